#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace musubi::server {

// Argon2id password hashing (libsodium). Slow and memory-hard on purpose: never call it on a
// network thread. The encoded hash carries its own parameters, so that raising the cost later
// still verifies old hashes.
class PasswordHasher {
 public:
  PasswordHasher(std::uint64_t ops, std::size_t memory_kib);

  std::string hash(std::string_view password) const;  // throws std::runtime_error (out of memory)
  bool verify(std::string_view encoded_hash, std::string_view password) const;

  // Spends the same effort as verify() against a real hash, for logins that do not exist, so
  // that response time does not tell which logins are real.
  void verify_dummy(std::string_view password) const;

 private:
  std::uint64_t ops_;
  std::size_t memory_bytes_;
  // Made on first use: the admin commands, which only hash, never pay for it.
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;
};

// Calls sodium_init() once; throws when libsodium cannot initialise.
void init_crypto();

}  // namespace musubi::server
