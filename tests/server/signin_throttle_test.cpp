#include "server/signin_throttle.hpp"

#include <gtest/gtest.h>

namespace musubi::server {
namespace {

SigninThrottle::Policy small_policy() {
  SigninThrottle::Policy p;
  p.free_failures = 3;
  p.first_wait_ms = 1000;
  p.max_wait_ms = 8000;
  p.forget_after_ms = 60'000;
  p.max_addresses = 4;
  return p;
}

TEST(SigninThrottle, FreeFailuresCostNothing) {
  SigninThrottle t(small_policy());
  t.record_failure("192.0.2.1", 0);
  t.record_failure("192.0.2.1", 0);
  EXPECT_EQ(t.wait_ms("192.0.2.1", 0), 0);
}

TEST(SigninThrottle, WaitDoublesFromTheFreeFailuresOnUpToTheMaximum) {
  SigninThrottle t(small_policy());
  const std::int64_t expected[] = {1000, 2000, 4000, 8000, 8000};
  for (int i = 0; i < 2; ++i)
    t.record_failure("a", 0);
  for (const auto wait : expected) {
    t.record_failure("a", 0);
    EXPECT_EQ(t.wait_ms("a", 0), wait);
  }
  EXPECT_EQ(t.wait_ms("a", 5000), 3000);  // counted from the last failure
  EXPECT_EQ(t.wait_ms("a", 9000), 0);
}

TEST(SigninThrottle, AddressesAreCountedApart) {
  SigninThrottle t(small_policy());
  for (int i = 0; i < 5; ++i)
    t.record_failure("a", 0);
  EXPECT_GT(t.wait_ms("a", 0), 0);
  EXPECT_EQ(t.wait_ms("b", 0), 0);
}

TEST(SigninThrottle, ForgetsAfterAQuietPeriod) {
  SigninThrottle t(small_policy());
  for (int i = 0; i < 5; ++i)
    t.record_failure("a", 0);
  EXPECT_EQ(t.wait_ms("a", 60'001), 0);
  t.record_failure("a", 60'001);  // counts from one again
  EXPECT_EQ(t.wait_ms("a", 60'001), 0);
}

TEST(SigninThrottle, MemoryIsBoundedByForgettingTheOldest) {
  SigninThrottle t(small_policy());
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < 4; ++k)
      t.record_failure("old" + std::to_string(i), i);
  }
  for (int k = 0; k < 4; ++k)
    t.record_failure("new", 100);
  EXPECT_GT(t.wait_ms("new", 100), 0);
  EXPECT_EQ(t.wait_ms("old0", 100), 0);  // forgotten to make room
}

}  // namespace
}  // namespace musubi::server
