#include "storage/job_queue.hpp"

#include <cstdio>

#include "storage/database.hpp"

namespace musubi::storage {

bool JobQueue::push(Job& job) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  jobs_.push_back(std::move(job));
  wake_.notify_one();
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

void JobQueue::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  wake_.notify_all();
}

void complete(Job& job, bool ok) noexcept {
  if (!job.done) return;
  try {
    job.done(ok);
  } catch (...) {
    std::fprintf(stderr, "musubid: storage: completion failed: %s\n",
                 describe_current_exception().c_str());
  }
}

}  // namespace musubi::storage
