#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/database.hpp"

namespace musubi::storage {

// When the write-ahead log is copied back into the database file.
struct CheckpointPolicy {
  // The background thread copies the log each time it has grown by this many frames (pages).
  int every_pages = 256;
  // A log this long is finished by the writer itself, right after its commit: the log starts
  // again from its beginning only if it is wholly copied when the writer's next transaction
  // begins, and under steady load a commit nearly always lands during a background checkpoint.
  int restart_pages = 8192;
};

// Copies the write-ahead log back into the database file, mostly on a thread of its own.
// SQLite's automatic checkpoint runs inside whichever commit crosses its threshold, so that one
// commit, and every post queued behind it, waits for the checkpoint's writes and fsyncs; here
// the bulk is copied beside the writer (passive: never blocking the writer or the readers), and
// the writer copies only the few frames since, when the log must start again.
class Checkpointer {
 public:
  // Opens its own connection to `path`.
  Checkpointer(const std::filesystem::path& path, const std::string& synchronous,
               int busy_timeout_ms, CheckpointPolicy policy = {});
  ~Checkpointer();  // same as stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Turns off `writer`'s automatic checkpoints and has each of its commits report the log's
  // length here. `writer` must outlive this object's use of it (its commits call back).
  void watch(Database& writer);

  // Stops the thread after the checkpoint in progress, if any. Idempotent.
  void stop();

  std::uint64_t checkpoints() const { return checkpoints_; }  // by the background thread
  std::uint64_t restarts() const { return restarts_; }        // finished by the writer

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void finish_log(sqlite3* writer, const char* name);
  void run();

  Database db_;
  const CheckpointPolicy policy_;
  int last_pages_ = 0;  // the log's length at the writer's previous commit (writer's thread)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopped_ = false;
  std::atomic<std::uint64_t> checkpoints_ = 0;
  std::atomic<std::uint64_t> restarts_ = 0;
  std::thread thread_;
};

}  // namespace musubi::storage
