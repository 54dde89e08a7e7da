#include "storage/job_queue.hpp"

#include <algorithm>
#include <cstdio>

#include "storage/database.hpp"

namespace musubi::storage {

bool JobQueue::push(Job& job) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  const bool urgent = job.durability == Durability::now;
  jobs_.push_back(std::move(job));
  if (gathering_ == 0) {
    wake_.notify_one();
  } else if ((urgent && gather_on_urgent_) || jobs_.size() >= gathering_) {
    // A gathering consumer sleeps through the jobs it waits to collect: one wake per batch,
    // not one per job.
    gathered_ = true;
    wake_.notify_one();
  }
  return true;
}

bool JobQueue::pop(std::deque<Job>& out, std::size_t max) {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return closed_ || !jobs_.empty(); });
  if (jobs_.empty()) return false;
  for (std::size_t i = 0; i < max && !jobs_.empty(); ++i) {
    out.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
  return true;
}

void JobQueue::gather_until(std::deque<Job>& out, std::size_t max,
                            std::chrono::steady_clock::time_point deadline, Until until) {
  if (out.size() >= max) return;
  const std::size_t room = max - out.size();
  std::unique_lock lock(mutex_);
  gathering_ = room;
  gather_on_urgent_ = until == Until::urgent_job;
  gathered_ =
      jobs_.size() >= room || (gather_on_urgent_ && std::ranges::any_of(jobs_, [](const Job& job) {
                                 return job.durability == Durability::now;
                               }));
  wake_.wait_until(lock, deadline, [this] { return gathered_ || closed_; });
  gathering_ = 0;
  for (std::size_t i = 0; i < room && !jobs_.empty(); ++i) {
    out.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
}

void JobQueue::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  wake_.notify_all();
}

void complete(Job& job, bool ok) noexcept {
  try {
    job.task->done(ok);
  } catch (...) {
    std::fprintf(stderr, "musubid: storage: completion failed: %s\n",
                 describe_current_exception().c_str());
  }
}

}  // namespace musubi::storage
