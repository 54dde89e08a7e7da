#include "storage/checkpointer.hpp"

#include <cstdio>

#include <sqlite3.h>

#include "storage/checkpoint_vfs.hpp"
#include "storage/thread_role.hpp"

namespace musubi::storage {

Checkpointer::Checkpointer(const std::filesystem::path& path, const std::string& synchronous,
                           int busy_timeout_ms, int threshold_pages)
    : db_(path, OpenMode::read_write, synchronous, busy_timeout_ms,
          commits_sync_the_log(synchronous) ? checkpoint_vfs() : nullptr),
      threshold_pages_(threshold_pages),
      thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  stop();
}

void Checkpointer::watch(Database& writer) {
  writer.exec("PRAGMA wal_autocheckpoint=0");
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (pages >= checkpointer->threshold_pages_) {
    std::lock_guard lock(checkpointer->mutex_);
    checkpointer->due_ = true;
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Checkpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

void Checkpointer::run() {
  // Nobody waits for a checkpoint; a post waiting behind one is what this class exists to avoid.
  take_thread_role("musubid-checkpt", ThreadPriority::background);
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return due_ || stopped_; });
      if (stopped_) return;
      due_ = false;
    }
    const int rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      std::fprintf(stderr, "musubid: storage: checkpoint failed: %s\n", sqlite3_errstr(rc));
      continue;
    }
    std::lock_guard lock(mutex_);
    ++checkpoints_;
  }
}

}  // namespace musubi::storage
