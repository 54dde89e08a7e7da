#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// Two-factor sign-in (TOTP, RFC 6238) for the signed-in user's own account.
namespace op {
inline constexpr std::string_view totp_enroll = "account.totp_enroll";
inline constexpr std::string_view totp_confirm = "account.totp_confirm";
inline constexpr std::string_view totp_disable = "account.totp_disable";
inline constexpr std::string_view recovery_codes = "account.recovery_codes";
}  // namespace op

// The longest one-time code accepted: a recovery code typed with separators and spaces.
inline constexpr std::size_t kMaxOneTimeCodeChars = 32;

// A one-time code: six digits from the authenticator app or, where allowed, a recovery code.
struct OneTimeCode {
  std::string code;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, OneTimeCode& out);

}  // namespace musubi::protocol
