#include "protocol/notification_operations.hpp"

namespace musubi::protocol {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxNoteChars = 500;
constexpr std::size_t kMaxMarkIds = 500;
}  // namespace

std::optional<FieldError> parse(const json& body, const BodyLimits&, ListInbox& out) {
  FieldReader r(body);
  out.unread_only = r.boolean("unread_only", false);
  out.before = r.optional_integer("before", 1, INT64_MAX);
  out.limit = r.optional_integer("limit", 1, kMaxInboxLimit).value_or(kDefaultInboxLimit);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, MarkInboxRead& out) {
  FieldReader r(body);
  out.ids = r.id_list("ids", kMaxMarkIds);
  out.all = r.boolean("all", false);
  if (!r.error() && out.ids.empty() && !out.all) {
    r.fail(Errc::invalid_request, "body.ids: required (or body.all: true)");
  }
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, Acknowledge& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.seq = r.integer("seq", 1, INT64_MAX);
  out.note = r.optional_string("note", 1, kMaxNoteChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ListAcknowledgements& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.seq = r.optional_integer("seq", 1, INT64_MAX);
  return r.error();
}

}  // namespace musubi::protocol
