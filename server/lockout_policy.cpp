#include "server/lockout_policy.hpp"

#include <algorithm>

namespace musubi::server {

std::int64_t LockoutPolicy::locked_until(std::int64_t failures,
                                         std::int64_t now_ms) const noexcept {
  if (max_failures <= 0 || failures < max_failures) return 0;
  std::int64_t lock = first_lock_ms;
  for (std::int64_t extra = failures - max_failures; extra > 0 && lock < max_lock_ms; --extra) {
    lock *= 2;
  }
  return now_ms + std::min(lock, max_lock_ms);
}

}  // namespace musubi::server
