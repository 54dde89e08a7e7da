#include "server/random_secrets.hpp"

#include <sodium.h>

namespace musubi::server {

std::string new_session_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return std::string("mst_") + text;
}

std::vector<unsigned char> random_bytes(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

TokenHash hash_token(std::string_view token) {
  TokenHash out;
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  return out;
}

std::string random_base32(std::size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out(length, 'a');
  for (auto& c : out)
    c = kAlphabet[randombytes_uniform(32)];
  return out;
}

std::string new_bootstrap_password() {
  const std::string raw = random_base32(20);
  return raw.substr(0, 5) + "-" + raw.substr(5, 5) + "-" + raw.substr(10, 5) + "-" +
         raw.substr(15, 5);
}

}  // namespace musubi::server
