#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "storage/checkpointer.hpp"
#include "storage/reader_pool.hpp"
#include "storage/writer.hpp"

namespace musubi::storage {

struct StoreOptions {
  std::filesystem::path path;
  std::string synchronous = "FULL";  // OFF, NORMAL, FULL or EXTRA
  int readers = 2;
  std::size_t max_batch = 1000;  // jobs per group commit
  WriterTiming writer_timing;    // how long a batch may wait for more jobs (see Writer)
  int busy_timeout_ms = 5000;
  CompletionRunner write_completions;  // empty: write completions run on the writer thread
};

// The database as the server sees it: one writer thread with group commit, a pool of reader
// threads, and a checkpointer thread that keeps the write-ahead log short off the commit path.
// Opening creates the file when needed and applies migrations.
class Store {
 public:
  explicit Store(const StoreOptions& options);  // throws SqliteError
  ~Store();

  // Runs `work(Database&) -> T` in the next group commit; then `done(std::optional<T>)` on the
  // writer thread (or where options.write_completions runs it), with nullopt when the work threw
  // or the commit failed. Thread-safe.
  template <class Work, class Done>
  void write(Work work, Done done, Durability durability = Durability::now) {
    submit(writer_, std::move(work), std::move(done), durability);
  }

  // Runs `work(Database&) -> T` on a reader thread in one read snapshot; then
  // `done(std::optional<T>)` on that thread. Thread-safe.
  template <class Work, class Done>
  void read(Work work, Done done) {
    submit(*readers_, std::move(work), std::move(done));
  }

  // Refuses new work, finishes what is queued, joins every thread. Idempotent. The readers stop
  // before the writer, so that writes queued by read completions are committed.
  void stop();

  WriterStats writer_stats() const { return writer_.stats(); }
  std::uint64_t checkpoints() const { return checkpointer_.checkpoints(); }
  const StoreOptions& options() const { return options_; }

 private:
  // The work, its completion and the result between them, in one allocation.
  template <class Work, class Done>
  class Task final : public JobTask {
    using Result = std::optional<std::invoke_result_t<Work&, Database&>>;

   public:
    Task(Work work, Done done) : work_(std::move(work)), done_(std::move(done)) {}

    void apply(Database& db) override { result_.emplace(work_(db)); }
    void done(bool ok) override { done_(ok ? std::move(result_) : Result{}); }

   private:
    Work work_;
    Done done_;
    Result result_;
  };

  template <class Queue, class Work, class Done>
  static void submit(Queue& queue, Work work, Done done, Durability durability = Durability::now) {
    queue.submit(
        Job{std::make_unique<Task<Work, Done>>(std::move(work), std::move(done)), durability});
  }

  StoreOptions options_;
  Checkpointer checkpointer_;  // before the writer, whose commits report to it
  Writer writer_;
  std::unique_ptr<ReaderPool> readers_;
};

}  // namespace musubi::storage
