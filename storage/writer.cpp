#include "storage/writer.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "storage/thread_role.hpp"

namespace musubi::storage {

namespace {

// The jobs of `batch` whose callers wait for their commit (Durability::now).
std::size_t awaited(const std::deque<Job>& batch) {
  return static_cast<std::size_t>(std::ranges::count_if(
      batch, [](const Job& job) { return job.durability == Durability::now; }));
}

}  // namespace

Writer::Writer(std::unique_ptr<Database> db, std::size_t max_batch, CompletionRunner completions,
               WriterTiming timing)
    : db_(std::move(db)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      completions_(std::move(completions)),
      deferral_window_(timing.deferral_window),
      pacer_(timing.commit_interval),
      thread_([this] { run(); }) {}

Writer::~Writer() {
  stop();
}

void Writer::submit(Job job) {
  if (!queue_.push(job)) complete(job, false);
}

void Writer::stop() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void Writer::run() {
  take_thread_role("musubid-writer");
  std::deque<Job> batch;
  using Clock = CommitPacer::Clock;
  while (queue_.pop(batch, max_batch_)) {
    if (awaited(batch) == 0) {
      queue_.gather_until(batch, max_batch_, Clock::now() + deferral_window_,
                          JobQueue::Until::urgent_job);
    } else if (const auto start = pacer_.earliest_start(); start > Clock::now()) {
      queue_.gather_until(batch, max_batch_, start, JobQueue::Until::full);
    }
    // The pace follows the writes someone waits for; deferred ones only ride along.
    pacer_.started(Clock::now(), awaited(batch));
    commit_batch(batch);
    batch.clear();  // moved from
  }
}

void Writer::commit_batch(std::deque<Job>& batch) {
  std::vector<bool> applied(batch.size(), false);
  bool committed = false;
  std::uint64_t failed = 0;
  try {
    Transaction tx(*db_, Transaction::Kind::immediate);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // Prepared once: a batch of a thousand jobs would otherwise parse these two thousand times.
      db_->prepare("SAVEPOINT job").run();
      try {
        batch[i].apply(*db_);
        db_->prepare("RELEASE job").run();
        applied[i] = true;
      } catch (...) {
        std::fprintf(stderr, "musubid: storage: write job failed: %s\n",
                     describe_current_exception().c_str());
        db_->exec("ROLLBACK TO job");
        db_->exec("RELEASE job");
        ++failed;
      }
    }
    tx.commit();
    committed = true;
  } catch (...) {
    // BEGIN or COMMIT failed (disk full, I/O error): nothing of this batch is durable.
    std::fprintf(stderr, "musubid: storage: commit of %zu jobs failed: %s\n", batch.size(),
                 describe_current_exception().c_str());
  }
  {
    std::lock_guard lock(stats_mutex_);
    stats_.commits += committed ? 1 : 0;
    stats_.jobs += batch.size();
    stats_.failed_jobs += committed ? failed : batch.size();
  }
  // Shared: a CompletionRunner is a std::function, which must be copyable, and jobs are not.
  auto finish = [jobs = std::make_shared<std::deque<Job>>(std::move(batch)),
                 applied = std::move(applied), committed] {
    for (std::size_t i = 0; i < jobs->size(); ++i)
      complete((*jobs)[i], committed && applied[i]);
  };
  if (completions_) {
    completions_(std::move(finish));
  } else {
    finish();
  }
}

}  // namespace musubi::storage
