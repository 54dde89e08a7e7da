#include "storage/commit_pacer.hpp"

#include <algorithm>

namespace musubi::storage {

CommitPacer::Clock::time_point CommitPacer::earliest_start() const {
  if (interval_.count() <= 0 || jobs_per_interval_ < kBusyJobs) return Clock::time_point::min();
  return last_start_ + interval_;
}

void CommitPacer::started(Clock::time_point now, std::size_t jobs) {
  if (interval_.count() <= 0) return;
  // The jobs of this batch arrived since the previous commit started.
  const double elapsed = std::max(std::chrono::duration<double>(now - last_start_).count(), 1e-6);
  const double interval = std::chrono::duration<double>(interval_).count();
  const double sample = static_cast<double>(jobs) * interval / elapsed;
  // Weighted by the time the sample covers: a pause longer than eight intervals replaces the
  // estimate outright, so the first post after a quiet spell is not paced.
  const double weight = std::min(1.0, elapsed / (8 * interval));
  jobs_per_interval_ += weight * (sample - jobs_per_interval_);
  last_start_ = now;
}

}  // namespace musubi::storage
