#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "storage/commit_pacer.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace musubi::storage {

// Statistics of the writer since start, for /metrics and benchmarks.
struct WriterStats {
  std::uint64_t commits = 0;
  std::uint64_t jobs = 0;
  std::uint64_t failed_jobs = 0;
};

// How long the writer may hold a batch open for more jobs.
struct WriterTiming {
  std::chrono::milliseconds deferral_window{50};    // a batch of only deferred jobs
  std::chrono::microseconds commit_interval{2000};  // between commits, while jobs arrive fast
};

// The only thread that writes to the database. Jobs queue up while the previous commit is
// fsyncing; the next transaction takes all of them at once (group commit), so that a burst costs
// one fsync instead of one per message. Each job runs in a savepoint of its own, so that one
// failing job does not undo the others; `done(true)` means its changes are durable. The batch's
// completions go to `completions` in one piece (the server runs them on a network thread: one
// hand-over per commit instead of one per delivery). A batch of only Durability::deferred jobs
// waits up to `deferral_window` for more work before it commits, so that a steady trickle of
// them (the audit entries of reads) costs one fsync per window rather than one per job; a job of
// Durability::now ends the wait. While jobs arrive fast, commits are spaced `commit_interval`
// apart (CommitPacer).
class Writer {
 public:
  Writer(std::unique_ptr<Database> db, std::size_t max_batch, CompletionRunner completions = {},
         WriterTiming timing = {});
  ~Writer();  // same as stop()

  // Queues a job. After stop(), `done(false)` is called at once on the caller's thread.
  void submit(Job job);

  // Refuses new jobs, finishes the queued ones, joins the thread. Idempotent.
  void stop();

  WriterStats stats() const;

 private:
  void run();
  void commit_batch(std::deque<Job>& batch);

  std::unique_ptr<Database> db_;
  const std::size_t max_batch_;
  const CompletionRunner completions_;
  const std::chrono::milliseconds deferral_window_;
  CommitPacer pacer_;  // the writer thread's own
  JobQueue queue_;
  mutable std::mutex stats_mutex_;
  WriterStats stats_;
  std::thread thread_;
};

}  // namespace musubi::storage
