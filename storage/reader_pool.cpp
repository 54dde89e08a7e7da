#include "storage/reader_pool.hpp"

#include <cstdio>

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
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  if (job.done) job.done(false);
}

void ReaderPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void ReaderPool::run(Database& db) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
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
    try {
      if (job.done) job.done(ok);
    } catch (...) {
      std::fprintf(stderr, "musubid: storage: completion failed: %s\n",
                   describe_current_exception().c_str());
    }
  }
}

}  // namespace musubi::storage
