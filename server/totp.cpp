#include "server/totp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace musubi::server::totp {

namespace {

std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
        b == '.' || b == '_' || b == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
  return out;
}

}  // namespace

std::int64_t step_at(std::int64_t unix_seconds) {
  return unix_seconds / kPeriodSeconds;
}

std::string code_at(std::span<const unsigned char> secret, std::int64_t step, int digits) {
  unsigned char counter[8];
  for (int i = 0; i < 8; ++i)
    counter[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(step) >> (56 - 8 * i));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter, sizeof counter, mac,
       &mac_size);
  // Dynamic truncation (RFC 4226, 5.3).
  const unsigned offset = mac[mac_size - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i)
    modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> accept(std::span<const unsigned char> secret, std::string_view code,
                                   std::int64_t unix_seconds, std::int64_t last_used_step,
                                   int window) {
  if (code.size() != static_cast<std::size_t>(kDigits)) return std::nullopt;
  const auto now = step_at(unix_seconds);
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared, so the time taken does not say which matched.
  for (std::int64_t step = now - window; step <= now + window; ++step) {
    const auto expected = code_at(secret, step);
    const bool same = CRYPTO_memcmp(expected.data(), code.data(), expected.size()) == 0;
    if (same && step > last_used_step && !matched) matched = step;
  }
  return matched;
}

std::string base32(std::span<const unsigned char> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 0x1f];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 0x1f];
  return out;
}

std::string provisioning_uri(std::string_view issuer, std::string_view account,
                             std::span<const unsigned char> secret) {
  const auto encoded_issuer = percent_encoded(issuer);
  return "otpauth://totp/" + encoded_issuer + ":" + percent_encoded(account) +
         "?secret=" + base32(secret) + "&issuer=" + encoded_issuer +
         "&algorithm=SHA1&digits=" + std::to_string(kDigits) +
         "&period=" + std::to_string(kPeriodSeconds);
}

}  // namespace musubi::server::totp
