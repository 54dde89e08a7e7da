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

// Copies the write-ahead log back into the database file on a thread of its own. SQLite's
// automatic checkpoint runs inside whichever commit crosses its threshold, so that one commit,
// and every post queued behind it, waits for the checkpoint's writes and fsyncs; here the writer
// only reports how long the log has grown (watch()), and the checkpoints happen beside it
// (passive: they never block the writer or the readers).
//
// A checkpoint is due once the log has grown by `threshold` frames since the last one looked at
// it, not whenever the log is longer than `threshold`: under steady writes, or while a reader
// holds a snapshot, the log cannot start again from its beginning, and the second rule would run
// a checkpoint, with its two fsyncs, after every commit.
bool checkpoint_due(int log_frames, int frames_at_last_checkpoint, int threshold);

class Checkpointer {
 public:
  // Opens its own connection to `path`.
  Checkpointer(const std::filesystem::path& path, const std::string& synchronous,
               int busy_timeout_ms, int threshold_pages = 1000);
  ~Checkpointer();  // same as stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Turns off `writer`'s automatic checkpoints and has each of its commits report the log's
  // length here. `writer` must outlive this object's use of it (its commits call back).
  void watch(Database& writer);

  // Stops the thread after the checkpoint in progress, if any. Idempotent.
  void stop();

  std::uint64_t checkpoints() const;  // completed so far
  // Neither running a checkpoint nor woken for one (tests: to see what one commit sets off).
  bool idle() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void run();

  Database db_;
  const int threshold_pages_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool running_ = false;
  bool stopped_ = false;
  // The log's length when the last checkpoint ran: read by the writer's commits.
  std::atomic<int> frames_at_last_checkpoint_{0};
  std::uint64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace musubi::storage
