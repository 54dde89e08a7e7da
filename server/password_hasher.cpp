#include "server/password_hasher.hpp"

#include <stdexcept>

#include <sodium.h>

namespace musubi::server {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

PasswordHasher::PasswordHasher(std::uint64_t ops, std::size_t memory_kib)
    : ops_(ops < crypto_pwhash_OPSLIMIT_MIN ? crypto_pwhash_OPSLIMIT_MIN : ops),
      memory_bytes_(memory_kib * 1024 < crypto_pwhash_MEMLIMIT_MIN ? crypto_pwhash_MEMLIMIT_MIN
                                                                   : memory_kib * 1024) {
  init_crypto();
}

std::string PasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_, memory_bytes_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool PasswordHasher::verify(std::string_view encoded_hash, std::string_view password) const {
  const std::string hash(encoded_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  std::call_once(dummy_once_, [this] { dummy_hash_ = hash("musubi dummy password"); });
  (void)verify(dummy_hash_, password);
}

}  // namespace musubi::server
