#include "storage/commit_pacer.hpp"

#include <gtest/gtest.h>

namespace musubi::storage {
namespace {

using namespace std::chrono_literals;
using Clock = CommitPacer::Clock;
constexpr auto kAtOnce = Clock::time_point::min();

// Commits every `every`, `jobs` each, `count` times from `from`; returns the last start.
Clock::time_point steady(CommitPacer& pacer, Clock::time_point from, Clock::duration every,
                         std::size_t jobs, int count) {
  auto t = from;
  for (int i = 0; i < count; ++i) {
    t += every;
    pacer.started(t, jobs);
  }
  return t;
}

constexpr Clock::time_point kT0 = Clock::time_point{} + 1000h;

TEST(CommitPacer, FirstCommitStartsAtOnce) {
  const CommitPacer pacer(2ms);
  EXPECT_EQ(pacer.earliest_start(), kAtOnce);
}

TEST(CommitPacer, ALightLoadIsNeverPaced) {
  CommitPacer pacer(2ms);
  // 1,000 jobs a second, one per 1-ms commit: two per interval.
  steady(pacer, kT0, 1ms, 1, 200);
  EXPECT_NEAR(pacer.jobs_per_interval(), 2.0, 0.01);
  EXPECT_EQ(pacer.earliest_start(), kAtOnce);
}

TEST(CommitPacer, AHeavyLoadSpacesCommitsByTheInterval) {
  CommitPacer pacer(2ms);
  // 5,000 jobs a second, committed six at a time every 1.2 ms: ten per interval.
  const auto last = steady(pacer, kT0, 1200us, 6, 200);
  EXPECT_NEAR(pacer.jobs_per_interval(), 10.0, 0.01);
  EXPECT_EQ(pacer.earliest_start(), last + 2ms);
  // Paced, the same load comes ten per 2-ms commit; the estimate stays where it was.
  const auto paced = steady(pacer, last, 2ms, 10, 50);
  EXPECT_NEAR(pacer.jobs_per_interval(), 10.0, 0.01);
  EXPECT_EQ(pacer.earliest_start(), paced + 2ms);
}

TEST(CommitPacer, TheEstimateFollowsTheLoadWithinAFewIntervals) {
  CommitPacer pacer(2ms);
  const auto light = steady(pacer, kT0, 1ms, 1, 100);
  // 5,000 jobs a second from now on: paced within a few intervals, though not at once.
  auto t = light + 1ms;
  pacer.started(t, 5);
  EXPECT_EQ(pacer.earliest_start(), kAtOnce);
  t = steady(pacer, t, 1ms, 5, 16);
  EXPECT_EQ(pacer.earliest_start(), t + 2ms);
}

TEST(CommitPacer, APauseEndsThePacing) {
  CommitPacer pacer(2ms);
  const auto busy = steady(pacer, kT0, 2ms, 20, 100);
  ASSERT_NE(pacer.earliest_start(), kAtOnce);
  // Quiet for eight intervals or more: the next post commits at once, and so does the one after.
  pacer.started(busy + 16ms, 1);
  EXPECT_EQ(pacer.earliest_start(), kAtOnce);
  pacer.started(busy + 17ms, 1);
  EXPECT_EQ(pacer.earliest_start(), kAtOnce);
}

TEST(CommitPacer, AZeroIntervalNeverPaces) {
  CommitPacer pacer(0us);
  steady(pacer, kT0, 1us, 1000, 100);
  EXPECT_EQ(pacer.earliest_start(), kAtOnce);
}

}  // namespace
}  // namespace musubi::storage
