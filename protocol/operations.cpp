#include "protocol/operations.hpp"

#include "protocol/account_operations.hpp"

namespace musubi::protocol {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxLoginChars = 64;
constexpr std::size_t kMaxPasswordChars = 1024;
constexpr std::size_t kMaxDeviceChars = 100;
constexpr std::size_t kMaxTokenChars = 128;
constexpr std::int64_t kMaxSeq = INT64_MAX;

}  // namespace

std::optional<FieldError> parse(const json& body, const BodyLimits&, SignIn& out) {
  FieldReader r(body);
  out.login = r.string("login", 1, kMaxLoginChars);
  out.password = r.string("password", 1, kMaxPasswordChars);
  out.device = r.optional_string("device", 1, kMaxDeviceChars).value_or("unnamed device");
  out.remember = r.boolean("remember", true);
  out.otp = r.optional_string("otp", 1, kMaxOneTimeCodeChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ResumeSession& out) {
  FieldReader r(body);
  out.token = r.string("token", 1, kMaxTokenChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, RoomRef& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, MemberChange& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.login = r.string("login", 1, kMaxLoginChars);
  out.role = r.optional_string("role", 1, 16).value_or("member");
  if (!r.error() && out.role != "member" && out.role != "admin") {
    r.fail(Errc::invalid_request, R"(body.role: must be "member" or "admin")");
  }
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits& limits, PostMessage& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.attachments = r.string_list("attachments", kMaxAttachments, kMaxIdChars);
  // A photo or a PDF may go without words.
  out.text = r.string("text", out.attachments.empty() ? 1 : 0, limits.max_text_chars);
  out.nonce = r.optional_string("nonce", 1, kMaxIdChars);
  out.addressing = read_addressing(r);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, FetchHistory& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.from = r.optional_integer("from", 1, kMaxSeq);
  out.to = r.optional_integer("to", 1, kMaxSeq);
  out.limit = r.optional_integer("limit", 1, kMaxHistoryLimit).value_or(kDefaultHistoryLimit);
  const auto order = r.optional_string("order", 1, 16).value_or("desc");
  if (order == "desc") {
    out.order = Order::newest_first;
  } else if (order == "asc") {
    out.order = Order::oldest_first;
  } else {
    r.fail(Errc::invalid_request, R"(body.order: must be "asc" or "desc")");
  }
  if (!r.error() && out.from && out.to && *out.from > *out.to) {
    r.fail(Errc::invalid_request, "body.from: must not be greater than body.to");
  }
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits& limits, Subscribe& out) {
  FieldReader r(body);
  const json* rooms = r.array("rooms", limits.max_subscribe_rooms);
  if (!rooms) return r.error();
  out.rooms.clear();
  out.rooms.reserve(rooms->size());
  for (std::size_t i = 0; i < rooms->size(); ++i) {
    const json& item = (*rooms)[i];
    const std::string where = "body.rooms[" + std::to_string(i) + "]";
    if (!item.is_object()) return FieldError{Errc::invalid_request, where + ": expected an object"};
    FieldReader ir(item);
    RoomCursor cursor;
    cursor.room = ir.string("room", 1, kMaxIdChars);
    cursor.after = ir.optional_integer("after", 0, kMaxSeq);
    if (auto e = ir.error()) {
      // Re-anchor the field path inside the array element.
      e->message.replace(0, 4, where);
      return e;
    }
    out.rooms.push_back(std::move(cursor));
  }
  return std::nullopt;
}

}  // namespace musubi::protocol
