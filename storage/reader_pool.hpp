#pragma once

#include <filesystem>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace musubi::storage {

// Threads with read-only connections of their own, so that history reads neither wait for the
// writer (WAL readers see the last commit) nor ever run on a network thread. Each job runs inside
// one read transaction: everything it reads is one consistent snapshot.
class ReaderPool {
 public:
  ReaderPool(const std::filesystem::path& path, int threads, int busy_timeout_ms);
  ~ReaderPool();  // same as stop()

  // Queues a job. After stop(), `done(false)` is called at once on the caller's thread.
  void submit(Job job);

  // Finishes the queued jobs and joins the threads. Idempotent.
  void stop();

 private:
  void run(Database& db);

  JobQueue queue_;
  std::vector<std::unique_ptr<Database>> connections_;
  std::vector<std::thread> threads_;
};

}  // namespace musubi::storage
