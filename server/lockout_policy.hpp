#pragma once

#include <cstdint>

namespace musubi::server {

// Sign-in back-off per login: after `max_failures` consecutive failures the login is locked for
// `first_lock_ms`, doubling with each further failure up to `max_lock_ms`. A success resets the
// count, and so does a day without failures (a typo now and then never adds up to a lockout).
struct LockoutPolicy {
  std::int64_t max_failures = 5;
  std::int64_t first_lock_ms = 30'000;
  std::int64_t max_lock_ms = 3'600'000;
  std::int64_t forget_after_ms = 24LL * 3'600'000;

  // The count of consecutive failures once a new one at `now_ms` is added.
  std::int64_t failures_after(std::int64_t previous_failures, std::int64_t last_failure_ms,
                              std::int64_t now_ms) const noexcept {
    return (now_ms - last_failure_ms > forget_after_ms ? 0 : previous_failures) + 1;
  }

  // When a login with `failures` consecutive failures (the new one included) unlocks; 0 when it
  // is not locked.
  std::int64_t locked_until(std::int64_t failures, std::int64_t now_ms) const noexcept;
};

}  // namespace musubi::server
