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

  // Refuses new work, finishes what is queued, joins every thread. Idempotent.
  void stop();

  WriterStats writer_stats() const { return writer_.stats(); }
  std::uint64_t checkpoints() const { return checkpointer_.checkpoints(); }
  const StoreOptions& options() const { return options_; }

 private:
  template <class Queue, class Work, class Done>
  static void submit(Queue& queue, Work work, Done done, Durability durability = Durability::now) {
    using T = std::invoke_result_t<Work&, Database&>;
    auto result = std::make_shared<std::optional<T>>();
    queue.submit(
        Job{[result, work = std::move(work)](Database& db) mutable { result->emplace(work(db)); },
            [result, done = std::move(done)](bool ok) mutable {
              done(ok ? std::move(*result) : std::optional<T>{});
            },
            durability});
  }

  StoreOptions options_;
  Checkpointer checkpointer_;  // before the writer, whose commits report to it
  Writer writer_;
  std::unique_ptr<ReaderPool> readers_;
};

}  // namespace musubi::storage
