#pragma once

#include <chrono>

namespace musubi::server {

// Token bucket: `rate` requests per second on average, bursts of up to `burst`. Time is passed
// in, so that the rule is a plain value testable without a clock.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double rate, double burst, Clock::time_point now)
      : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}

  // Takes one token; false when the bucket is empty (the request should be refused).
  bool allow(Clock::time_point now) noexcept {
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ += elapsed.count() * rate_;
    if (tokens_ > burst_) tokens_ = burst_;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace musubi::server
