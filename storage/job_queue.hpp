#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "storage/job.hpp"

namespace musubi::storage {

// The queue in front of the storage threads: producers push from any thread; consumers take
// batches, blocking while it is empty. Once closed it takes nothing new, and consumers drain what
// is left before they see the end.
class JobQueue {
 public:
  // Queues the job; after close() leaves it untouched and returns false.
  bool push(Job& job);

  // Moves up to `max` jobs into `out`, waiting for at least one. Returns false (with `out`
  // empty) once the queue is closed and drained.
  bool pop(std::deque<Job>& out, std::size_t max);

  // What ends gather_until() before its deadline, besides a full batch and close().
  enum class Until { urgent_job, full };

  // Adds to `out` (up to `max` jobs in all) what arrives until `deadline`; returns sooner once
  // there is enough to fill `out`, when the queue is closed, and with Until::urgent_job once a
  // job of Durability::now is queued. For one consumer only (the writer).
  void gather_until(std::deque<Job>& out, std::size_t max,
                    std::chrono::steady_clock::time_point deadline, Until until);

  void close();

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool closed_ = false;
  std::size_t gathering_ = 0;      // while gather_until() waits: the jobs it still has room for
  bool gather_on_urgent_ = false;  // ...whether a job of Durability::now ends the wait
  bool gathered_ = false;          // ...and whether it should stop waiting
};

// Calls the job's done(ok); a throwing completion is logged, never lets a storage thread die.
void complete(Job& job, bool ok) noexcept;

}  // namespace musubi::storage
