#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/admin_operations.hpp"
#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

inline constexpr std::size_t kMaxAnnouncementTitleChars = 200;
inline constexpr std::size_t kMaxAnnouncementBodyChars = 5000;
inline constexpr std::size_t kMaxMarkReadIds = 1000;
inline constexpr int kMaxStatisticsMonths = 120;  // ten fiscal years

// announcement.post: a notice from the city to every user. The title is one line; the body may
// have several.
struct PostAnnouncement {
  std::string title;
  std::string body;
};

// announcement.list.
struct ListAnnouncements {
  bool unread_only = false;
};

// announcement.mark_read: announcement ids (positive integers); marking twice is harmless.
struct MarkAnnouncementsRead {
  std::vector<std::int64_t> ids;
};

// A calendar month, "YYYY-MM" on the wire.
struct YearMonth {
  int year = 0;
  int month = 0;  // 1-12
  auto operator<=>(const YearMonth&) const = default;
};

// stats.summary: every month from `from` to `to`, both included.
struct StatisticsRange {
  YearMonth from;
  YearMonth to;
};

// "YYYY-MM" with a month 01-12 and a year 1900-9999.
std::optional<YearMonth> parse_year_month(std::string_view text) noexcept;
std::string format_year_month(const YearMonth& month);
YearMonth next_month(const YearMonth& month) noexcept;

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&,
                                PostAnnouncement& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&,
                                ListAnnouncements& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&,
                                MarkAnnouncementsRead& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&,
                                StatisticsRange& out);

}  // namespace musubi::protocol
