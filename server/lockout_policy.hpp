#pragma once

#include <cstdint>

namespace musubi::server {

// Sign-in back-off per login: after `max_failures` consecutive failures the login is locked for
// `first_lock_ms`, doubling with each further failure up to `max_lock_ms`. A success resets it.
struct LockoutPolicy {
  std::int64_t max_failures = 5;
  std::int64_t first_lock_ms = 30'000;
  std::int64_t max_lock_ms = 3'600'000;

  // When a login with `failures` consecutive failures (the new one included) unlocks; 0 when it
  // is not locked.
  std::int64_t locked_until(std::int64_t failures, std::int64_t now_ms) const noexcept;
};

}  // namespace musubi::server
