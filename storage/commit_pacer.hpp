#pragma once

#include <chrono>
#include <cstddef>

namespace musubi::storage {

// Spaces the writer's group commits while jobs arrive fast. Each commit costs a sync of the log
// and its disk round trips whatever its size, and wakes the checkpointer; under a steady stream
// of posts the writer would otherwise commit as soon as the previous sync returns, a handful of
// jobs at a time. While the smoothed arrival rate is at least kBusyJobs per interval, a commit
// starts no sooner than `interval` after the previous one, so that each takes what arrived in
// that time. Below that rate (and after any pause) commits start at once: a quiet room's post
// never waits for company. A plain value; the writer asks it and tells it, on its own thread.
class CommitPacer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr double kBusyJobs = 7;  // per interval: 3,500 jobs a second at 2 ms

  explicit CommitPacer(std::chrono::microseconds interval) : interval_(interval) {}

  // The earliest time the next commit should start; Clock::time_point::min() when at once.
  Clock::time_point earliest_start() const;

  // Records that a commit of `jobs` jobs started at `now`.
  void started(Clock::time_point now, std::size_t jobs);

  // Jobs arriving per interval, smoothed over about eight intervals.
  double jobs_per_interval() const { return jobs_per_interval_; }

 private:
  std::chrono::microseconds interval_;
  Clock::time_point last_start_{};
  double jobs_per_interval_ = 0;
};

}  // namespace musubi::storage
