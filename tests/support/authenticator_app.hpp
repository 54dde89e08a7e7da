#pragma once

// What an authenticator app does with the key shown at enrolment: decode it and compute the
// code of a time step.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "server/totp.hpp"

namespace musubi::testing {

// RFC 4648 base32 (upper case, no padding) back to bytes.
inline std::vector<unsigned char> from_base32(const std::string& text) {
  std::vector<unsigned char> out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    buffer = (buffer << 5) | static_cast<unsigned>(c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<unsigned char>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  return out;
}

inline std::int64_t current_step() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return server::totp::step_at(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

// The app, its clock fixed at the step of enrolment: code(0) confirms, code(1) is the next
// step's, which the server accepts as one step of drift. Codes relative to one fixed step keep
// tests independent of when a 30-second step ends.
struct AuthenticatorApp {
  std::vector<unsigned char> secret;
  std::int64_t base_step = current_step();

  explicit AuthenticatorApp(const std::string& base32_key) : secret(from_base32(base32_key)) {}
  std::string code(std::int64_t steps_ahead = 0) const {
    return server::totp::code_at(secret, base_step + steps_ahead);
  }
};

}  // namespace musubi::testing
