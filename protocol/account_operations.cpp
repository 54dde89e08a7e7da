#include "protocol/account_operations.hpp"

namespace musubi::protocol {

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, OneTimeCode& out) {
  FieldReader r(body);
  out.code = r.string("code", 1, kMaxOneTimeCodeChars);
  return r.error();
}

}  // namespace musubi::protocol
