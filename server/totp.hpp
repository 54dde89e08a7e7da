#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace musubi::server::totp {

// Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, the only
// parameters every common authenticator app supports.
inline constexpr int kDigits = 6;
inline constexpr std::int64_t kPeriodSeconds = 30;
inline constexpr std::size_t kSecretBytes = 20;  // 160 bits, as RFC 4226 recommends

std::int64_t step_at(std::int64_t unix_seconds);

// The code of one time step (RFC 4226's HOTP with the step as counter), zero-padded.
std::string code_at(std::span<const unsigned char> secret, std::int64_t step, int digits = kDigits);

// The step of `code` when it matches one within `window` steps of now (clock drift) and is later
// than `last_used_step` (a code is accepted once); nullopt otherwise. Compares in constant time.
std::optional<std::int64_t> accept(std::span<const unsigned char> secret, std::string_view code,
                                   std::int64_t unix_seconds, std::int64_t last_used_step,
                                   int window = 1);

// RFC 4648 base32, upper case, without padding: how authenticator apps take a secret by hand.
std::string base32(std::span<const unsigned char> bytes);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
// shown as a QR code or a link at enrolment.
std::string provisioning_uri(std::string_view issuer, std::string_view account,
                             std::span<const unsigned char> secret);

}  // namespace musubi::server::totp
