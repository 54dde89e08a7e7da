#include "protocol/record_operations.hpp"

namespace musubi::protocol {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxReasonChars = 500;
constexpr std::int64_t kMaxSeq = INT64_MAX;

// The record itself: an object (its fields are the template's business).
std::optional<json> object_field(FieldReader& r, const json& body, std::string_view name,
                                 bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) r.fail(Errc::invalid_request, "body." + std::string(name) + ": required");
    return std::nullopt;
  }
  if (!it->is_object()) {
    r.fail(Errc::invalid_request, "body." + std::string(name) + ": expected an object");
    return std::nullopt;
  }
  return *it;
}
}  // namespace

std::optional<FieldError> parse(const json& body, const BodyLimits&, PostRecord& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.template_id = r.string("template", 1, kMaxIdChars);
  out.nonce = r.optional_string("nonce", 1, kMaxIdChars);
  out.addressing = read_addressing(r);
  if (!r.error()) out.content = object_field(r, body, "content", true).value_or(json::object());
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits& limits, Correct& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.seq = r.integer("seq", 1, kMaxSeq);
  out.text = r.optional_string("text", 1, limits.max_text_chars);
  out.reason = r.optional_string("reason", 0, kMaxReasonChars).value_or("");
  if (!r.error()) out.content = object_field(r, body, "content", false);
  if (!r.error() && out.text.has_value() == out.content.has_value()) {
    r.fail(Errc::invalid_request,
           "body: give either text (for a message) or content (for a record)");
  }
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, EntryRef& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.seq = r.integer("seq", 1, kMaxSeq);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, Withdraw& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.seq = r.integer("seq", 1, kMaxSeq);
  out.reason = r.string("reason", 1, kMaxReasonChars);
  return r.error();
}

}  // namespace musubi::protocol
