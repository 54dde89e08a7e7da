#include "protocol/device_operations.hpp"

namespace musubi::protocol {

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, SessionRef& out) {
  FieldReader r(body);
  out.session = r.integer("session", 1, INT64_MAX);
  return r.error();
}

}  // namespace musubi::protocol
