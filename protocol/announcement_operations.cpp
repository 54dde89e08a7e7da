#include "protocol/announcement_operations.hpp"

#include <cstdio>

namespace musubi::protocol {

using nlohmann::json;

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A required "YYYY-MM" field.
YearMonth year_month(FieldReader& r, std::string_view name) {
  const auto text = r.string(name, 7, 7);
  if (r.error()) return {};
  const auto month = parse_year_month(text);
  if (!month) {
    r.fail(Errc::invalid_request, "body." + std::string(name) + ": must be a month YYYY-MM");
    return {};
  }
  return *month;
}

int months_between(const YearMonth& from, const YearMonth& to) {
  return (to.year - from.year) * 12 + (to.month - from.month);
}

}  // namespace

std::optional<YearMonth> parse_year_month(std::string_view text) noexcept {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (!is_digit(text[i])) return std::nullopt;
  }
  YearMonth m;
  m.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  m.month = (text[5] - '0') * 10 + (text[6] - '0');
  if (m.year < 1900 || m.month < 1 || m.month > 12) return std::nullopt;
  return m;
}

std::string format_year_month(const YearMonth& month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", month.year, month.month);
  return buf;
}

YearMonth next_month(const YearMonth& month) noexcept {
  return month.month == 12 ? YearMonth{month.year + 1, 1} : YearMonth{month.year, month.month + 1};
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, PostAnnouncement& out) {
  FieldReader r(body);
  out.title = r.string("title", 1, kMaxAnnouncementTitleChars);
  if (!r.error() && has_control_characters(out.title)) {
    r.fail(Errc::invalid_request, "body.title: must be one line without control characters");
  }
  out.body = r.string("body", 1, kMaxAnnouncementBodyChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ListAnnouncements& out) {
  FieldReader r(body);
  const auto it = body.find("unread_only");
  if (it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      r.fail(Errc::invalid_request, "body.unread_only: expected true or false");
    } else {
      out.unread_only = it->get<bool>();
    }
  }
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, MarkAnnouncementsRead& out) {
  FieldReader r(body);
  if (r.array("ids", kMaxMarkReadIds)) out.ids = r.id_list("ids", kMaxMarkReadIds);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, StatisticsRange& out) {
  FieldReader r(body);
  out.from = year_month(r, "from");
  out.to = year_month(r, "to");
  if (r.error()) return r.error();
  if (out.to < out.from) {
    r.fail(Errc::invalid_request, "body.to: must not be before body.from");
  } else if (months_between(out.from, out.to) >= kMaxStatisticsMonths) {
    r.fail(Errc::invalid_request,
           "body.to: at most " + std::to_string(kMaxStatisticsMonths) + " months from body.from");
  }
  return r.error();
}

}  // namespace musubi::protocol
