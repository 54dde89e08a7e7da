#include "storage/reader_pool.hpp"

#include <cstdio>

#include "storage/thread_role.hpp"

namespace musubi::storage {

ReaderPool::ReaderPool(const std::filesystem::path& path, int threads, int busy_timeout_ms) {
  const int n = threads < 1 ? 1 : threads;
  for (int i = 0; i < n; ++i) {
    connections_.push_back(
        std::make_unique<Database>(path, OpenMode::read_only, "FULL", busy_timeout_ms));
  }
  for (auto& db : connections_)
    threads_.emplace_back([this, &db = *db] { run(db); });
}

ReaderPool::~ReaderPool() {
  stop();
}

void ReaderPool::submit(Job job) {
  if (!queue_.push(job)) complete(job, false);
}

void ReaderPool::stop() {
  queue_.close();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void ReaderPool::run(Database& db) {
  take_thread_role("musubid-reader");
  std::deque<Job> one;
  while (queue_.pop(one, 1)) {
    Job job = std::move(one.front());
    one.clear();
    bool ok = false;
    try {
      Transaction tx(db);
      job.apply(db);
      tx.commit();
      ok = true;
    } catch (...) {
      std::fprintf(stderr, "musubid: storage: read job failed: %s\n",
                   describe_current_exception().c_str());
    }
    complete(job, ok);
  }
}

}  // namespace musubi::storage
