#include "storage/store.hpp"

#include "storage/migrations.hpp"

namespace musubi::storage {

namespace {

std::unique_ptr<Database> open_writer(const StoreOptions& options, Checkpointer& checkpointer) {
  auto db = std::make_unique<Database>(options.path, OpenMode::read_write, options.synchronous,
                                       options.busy_timeout_ms);
  migrate(*db);
  checkpointer.watch(*db);
  return db;
}

}  // namespace

Store::Store(const StoreOptions& options)
    : options_(options),
      checkpointer_(options.path, options.synchronous, options.busy_timeout_ms),
      writer_(open_writer(options, checkpointer_), options.max_batch, options.write_completions,
              options.writer_timing),
      readers_(
          std::make_unique<ReaderPool>(options.path, options.readers, options.busy_timeout_ms)) {}

Store::~Store() {
  stop();
}

void Store::stop() {
  // Readers first: a read's completion may queue a write (its audit entry), which the writer
  // must still take. The checkpointer last, after the writer's final commits.
  readers_->stop();
  writer_.stop();
  checkpointer_.stop();
}

}  // namespace musubi::storage
