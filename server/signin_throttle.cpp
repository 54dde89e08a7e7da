#include "server/signin_throttle.hpp"

#include <algorithm>
#include <vector>

namespace musubi::server {

SigninThrottle::Policy address_throttle_policy(const Limits& limits) {
  SigninThrottle::Policy p;
  p.free_failures = limits.max_failed_signins_per_address;
  p.max_wait_ms = limits.max_address_wait_seconds * 1000LL;
  return p;
}

std::int64_t SigninThrottle::wait_ms(std::string_view address, std::int64_t now_ms) const {
  if (policy_.free_failures <= 0) return 0;
  std::lock_guard lock(mutex_);
  const auto it = failures_.find(std::string(address));
  if (it == failures_.end()) return 0;
  const auto& f = it->second;
  if (now_ms - f.last_ms > policy_.forget_after_ms || f.count < policy_.free_failures) return 0;
  std::int64_t wait = policy_.first_wait_ms;
  for (std::int64_t i = policy_.free_failures; i < f.count && wait < policy_.max_wait_ms; ++i)
    wait *= 2;
  wait = std::min(wait, policy_.max_wait_ms);
  return std::max<std::int64_t>(0, f.last_ms + wait - now_ms);
}

void SigninThrottle::record_failure(std::string_view address, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= policy_.max_addresses) forget_stale(now_ms);
  auto& f = failures_[std::string(address)];
  if (now_ms - f.last_ms > policy_.forget_after_ms) f.count = 0;
  ++f.count;
  f.last_ms = now_ms;
}

void SigninThrottle::forget_stale(std::int64_t now_ms) {
  std::erase_if(failures_, [&](const auto& entry) {
    return now_ms - entry.second.last_ms > policy_.forget_after_ms;
  });
  // Still full: many addresses failing at once. Forget the oldest half rather than grow.
  if (failures_.size() >= policy_.max_addresses) {
    std::vector<std::int64_t> times;
    times.reserve(failures_.size());
    for (const auto& entry : failures_)
      times.push_back(entry.second.last_ms);
    auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
    std::nth_element(times.begin(), middle, times.end());
    const auto cutoff = *middle;
    std::erase_if(failures_, [&](const auto& entry) { return entry.second.last_ms <= cutoff; });
  }
}

}  // namespace musubi::server
