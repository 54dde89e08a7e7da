#include "server/lockout_policy.hpp"

#include <cstdint>

#include <gtest/gtest.h>

namespace musubi::server {
namespace {

constexpr std::int64_t kNow = 1'000'000;

TEST(LockoutPolicy, Defaults) {
  const LockoutPolicy p;
  EXPECT_EQ(p.max_failures, 5);
  EXPECT_EQ(p.first_lock_ms, 30'000);
  EXPECT_EQ(p.max_lock_ms, 3'600'000);
}

TEST(LockoutPolicy, NotLockedBelowTheThreshold) {
  const LockoutPolicy p;
  for (std::int64_t failures = 0; failures < 5; ++failures) {
    EXPECT_EQ(p.locked_until(failures, kNow), 0) << failures;
  }
}

TEST(LockoutPolicy, LockedForTheFirstPeriodAtTheThreshold) {
  const LockoutPolicy p;
  EXPECT_EQ(p.locked_until(5, kNow), kNow + 30'000);
}

TEST(LockoutPolicy, EachFurtherFailureDoublesTheLock) {
  const LockoutPolicy p;
  EXPECT_EQ(p.locked_until(6, kNow), kNow + 60'000);
  EXPECT_EQ(p.locked_until(7, kNow), kNow + 120'000);
  EXPECT_EQ(p.locked_until(8, kNow), kNow + 240'000);
  EXPECT_EQ(p.locked_until(11, kNow), kNow + 1'920'000);
}

TEST(LockoutPolicy, LockIsCappedAtTheMaximum) {
  const LockoutPolicy p;
  // 30 s * 2^7 = 3840 s would exceed the one-hour cap.
  EXPECT_EQ(p.locked_until(12, kNow), kNow + 3'600'000);
  EXPECT_EQ(p.locked_until(100, kNow), kNow + 3'600'000);
}

TEST(LockoutPolicy, HugeFailureCountsStayCappedWithoutOverflow) {
  const LockoutPolicy p;
  EXPECT_EQ(p.locked_until(INT64_MAX, kNow), kNow + 3'600'000);
}

TEST(LockoutPolicy, FirstLockAboveTheMaximumIsCapped) {
  const LockoutPolicy p{3, 10'000, 5'000};
  EXPECT_EQ(p.locked_until(3, kNow), kNow + 5'000);
}

TEST(LockoutPolicy, CustomThreshold) {
  const LockoutPolicy p{1, 1'000, 4'000};
  EXPECT_EQ(p.locked_until(0, kNow), 0);
  EXPECT_EQ(p.locked_until(1, kNow), kNow + 1'000);
  EXPECT_EQ(p.locked_until(2, kNow), kNow + 2'000);
  EXPECT_EQ(p.locked_until(3, kNow), kNow + 4'000);
  EXPECT_EQ(p.locked_until(4, kNow), kNow + 4'000);
}

TEST(LockoutPolicy, ZeroOrNegativeThresholdDisablesLockout) {
  EXPECT_EQ((LockoutPolicy{0, 30'000, 60'000}).locked_until(100, kNow), 0);
  EXPECT_EQ((LockoutPolicy{-1, 30'000, 60'000}).locked_until(100, kNow), 0);
}

TEST(LockoutPolicy, RelativeToNow) {
  const LockoutPolicy p;
  EXPECT_EQ(p.locked_until(5, 0), 30'000);
  EXPECT_EQ(p.locked_until(5, 42), 30'042);
}

}  // namespace
}  // namespace musubi::server

namespace musubi::server {
namespace {

TEST(LockoutPolicyMemory, FailuresWithinADayAddUp) {
  const LockoutPolicy policy;
  EXPECT_EQ(policy.failures_after(3, 1'000, 1'000 + policy.forget_after_ms), 4);
}

TEST(LockoutPolicyMemory, ADayWithoutFailuresStartsTheCountAgain) {
  const LockoutPolicy policy;
  EXPECT_EQ(policy.forget_after_ms, 24LL * 3600 * 1000);
  EXPECT_EQ(policy.failures_after(4, 1'000, 1'001 + policy.forget_after_ms), 1);
}

}  // namespace
}  // namespace musubi::server
