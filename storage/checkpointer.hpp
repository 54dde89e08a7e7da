#pragma once

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

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void run();

  Database db_;
  const int threshold_pages_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopped_ = false;
  std::uint64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace musubi::storage
