#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/config.hpp"

namespace musubi::server {

// Back-off per source address for failed sign-ins. The per-login lockout stops guessing one
// login's password; this stops one address guessing across many logins (each kept under its
// own lockout). Sign-ins from an address wait once it has failed `free_failures` times, twice as
// long after each further failure up to `max_wait_ms`; the count is forgotten after
// `forget_after_ms` without failures. A success does not reset it: one valid account must not
// buy an attacker fresh guesses. Kept in memory: a restart forgets it, which only restores the
// per-login lockout (stored) as the limit. Thread-safe.
class SigninThrottle {
 public:
  struct Policy {
    std::int64_t free_failures =
        20;  // 0: no back-off  // a care facility behind one NAT has many users
    std::int64_t first_wait_ms = 1'000;
    std::int64_t max_wait_ms = 5 * 60'000;
    std::int64_t forget_after_ms = 60 * 60'000;
    std::size_t max_addresses = 100'000;  // memory bound; the oldest are forgotten first
  };

  explicit SigninThrottle(Policy policy) : policy_(policy) {}

  // Milliseconds until `address` may try again; 0: now.
  std::int64_t wait_ms(std::string_view address, std::int64_t now_ms) const;
  void record_failure(std::string_view address, std::int64_t now_ms);

 private:
  struct Failures {
    std::int64_t count = 0;
    std::int64_t last_ms = 0;
  };
  void forget_stale(std::int64_t now_ms);

  const Policy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Failures> failures_;
};

// The policy the configuration's limits describe.
SigninThrottle::Policy address_throttle_policy(const Limits& limits);

}  // namespace musubi::server
