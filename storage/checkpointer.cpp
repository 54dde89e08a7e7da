#include "storage/checkpointer.hpp"

#include <cstdio>

#include <sqlite3.h>

#include "storage/thread_role.hpp"

namespace musubi::storage {

Checkpointer::Checkpointer(const std::filesystem::path& path, const std::string& synchronous,
                           int busy_timeout_ms, CheckpointPolicy policy)
    : db_(path, OpenMode::read_write, synchronous, busy_timeout_ms),
      policy_(policy),
      thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  stop();
}

void Checkpointer::watch(Database& writer) {
  writer.exec("PRAGMA wal_autocheckpoint=0");
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, this);
}

// On the writer's thread, after each commit; `pages` is the log's length in frames.
int Checkpointer::on_commit(void* self, sqlite3* db, const char* name, int pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  const auto& policy = checkpointer->policy_;
  // Each crossing of a multiple of every_pages, not each commit past it: a checkpoint per
  // commit made the background thread sync the database file hundreds of times a second, and
  // the writer's own syncs of the log waited behind those on the disk.
  const bool grown = pages / policy.every_pages > checkpointer->last_pages_ / policy.every_pages;
  checkpointer->last_pages_ = pages;
  if (pages >= policy.restart_pages) {
    checkpointer->finish_log(db, name);
  } else if (grown) {
    std::lock_guard lock(checkpointer->mutex_);
    checkpointer->due_ = true;
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::finish_log(sqlite3* writer, const char* name) {
  int log = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(writer, name, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  // Busy: the background thread is copying, or a reader still needs old frames; the next
  // commit tries again.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    std::fprintf(stderr, "musubid: storage: checkpoint by the writer failed: %s\n",
                 sqlite3_errstr(rc));
  }
  if (rc == SQLITE_OK && copied == log) ++restarts_;
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
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
    ++checkpoints_;
  }
}

}  // namespace musubi::storage
