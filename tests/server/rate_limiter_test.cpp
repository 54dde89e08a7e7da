#include "server/rate_limiter.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace musubi::server {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

const Clock::time_point kStart = Clock::time_point{} + 1000s;

TEST(RateLimiter, StartsWithAFullBurst) {
  RateLimiter limiter(1, 3, kStart);
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
}

TEST(RateLimiter, RefillsAtTheRate) {
  RateLimiter limiter(2, 2, kStart);  // one token every 500 ms
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + 499ms));
  EXPECT_TRUE(limiter.allow(kStart + 500ms));
  EXPECT_FALSE(limiter.allow(kStart + 500ms));
  EXPECT_TRUE(limiter.allow(kStart + 1000ms));
}

TEST(RateLimiter, RefusedRequestsDoNotLoseTheFractionEarned) {
  RateLimiter limiter(1, 1, kStart);
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + 400ms));  // 0.4 token
  EXPECT_FALSE(limiter.allow(kStart + 800ms));  // 0.8 token
  EXPECT_TRUE(limiter.allow(kStart + 1000ms));  // 1.0 token
}

TEST(RateLimiter, LongIdleRefillsOnlyUpToTheBurst) {
  RateLimiter limiter(10, 4, kStart);
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(limiter.allow(kStart));
  const auto later = kStart + 3600s;
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(limiter.allow(later)) << i;
  EXPECT_FALSE(limiter.allow(later));
}

TEST(RateLimiter, SustainedRateIsAllowedForever) {
  RateLimiter limiter(20, 40, kStart);
  // Exactly 20 requests per second for a minute, after spending the burst.
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(limiter.allow(kStart));
  int refused = 0;
  for (int i = 1; i <= 20 * 60; ++i) {
    if (!limiter.allow(kStart + i * 50ms)) ++refused;
  }
  EXPECT_EQ(refused, 0);
}

TEST(RateLimiter, FasterThanTheRateIsRefusedInProportion) {
  RateLimiter limiter(10, 1, kStart);
  ASSERT_TRUE(limiter.allow(kStart));
  // 40 requests per second for ten seconds: only a quarter of them fit a rate of 10 per second.
  int allowed = 0;
  for (int i = 1; i <= 400; ++i) {
    if (limiter.allow(kStart + i * 25ms)) ++allowed;
  }
  EXPECT_EQ(allowed, 100);
}

TEST(RateLimiter, BurstBelowOneNeverAllows) {
  RateLimiter limiter(100, 0.5, kStart);
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + 10s));
}

TEST(RateLimiter, ZeroRateAllowsOnlyTheBurst) {
  RateLimiter limiter(0, 2, kStart);
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow(kStart + 1s));
  EXPECT_FALSE(limiter.allow(kStart + 3600s));
}

}  // namespace
}  // namespace musubi::server
