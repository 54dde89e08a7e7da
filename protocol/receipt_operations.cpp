#include "protocol/receipt_operations.hpp"

namespace musubi::protocol {

using nlohmann::json;

std::optional<FieldError> parse(const json& body, const BodyLimits&, MarkRead& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.seq = r.integer("seq", 1, INT64_MAX);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ShareReadState& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  if (!r.error() && (!body.contains("shared") || body["shared"].is_null())) {
    r.fail(Errc::invalid_request, "body.shared: required");
  }
  out.shared = r.boolean("shared", true);
  return r.error();
}

}  // namespace musubi::protocol
