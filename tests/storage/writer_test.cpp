#include "storage/writer.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage {
namespace {

using namespace std::chrono_literals;
using test::Countdown;

// A Writer on a scratch file with one table, and a second connection to look at what it
// committed.
class WriterTest : public ::testing::Test {
 protected:
  std::filesystem::path path() const { return dir_.path() / "writer.db"; }

  std::unique_ptr<Database> open_writer_db() {
    auto db = std::make_unique<Database>(path(), OpenMode::read_write);
    db->exec("CREATE TABLE IF NOT EXISTS items (name TEXT NOT NULL UNIQUE)");
    return db;
  }

  // The committed rows, read through a connection of its own.
  std::int64_t committed(const std::string& name = "") {
    Database reader(path(), OpenMode::read_only);
    auto& st = name.empty()
                   ? reader.prepare("SELECT COUNT(*) FROM items")
                   : reader.prepare("SELECT COUNT(*) FROM items WHERE name = ?").bind(1, name);
    EXPECT_TRUE(st.step());
    const auto n = st.int64(0);
    st.reset();
    return n;
  }

  static Job insert(std::string name, std::function<void(bool)> done) {
    return Job{
        [name](Database& db) { db.prepare("INSERT INTO items VALUES (?)").bind(1, name).run(); },
        std::move(done)};
  }

  // insert() that may wait for company (Durability::deferred); `done` records the outcome in
  // `ok` and arrives at `countdown`.
  static Job deferred_insert(std::string name, std::atomic<int>& ok, Countdown& countdown) {
    Job job = insert(std::move(name), [&ok, &countdown](bool result) {
      if (result) ++ok;
      countdown.arrive();
    });
    job.durability = Durability::deferred;
    return job;
  }

  // Submits a job that blocks the writer thread until release() and returns once the writer is
  // inside it, so that everything submitted afterwards queues up for the next batch.
  void hold_writer(Writer& writer, Countdown& done) {
    std::promise<void> started;
    auto release = release_.get_future().share();
    writer.submit(Job{[&started, release](Database& db) {
                        db.prepare("INSERT INTO items VALUES ('holder')").run();
                        started.set_value();
                        release.wait_for(60s);
                      },
                      [&done](bool) { done.arrive(); }});
    ASSERT_EQ(started.get_future().wait_for(60s), std::future_status::ready);
  }
  void release() { release_.set_value(); }

  musubi::testing::TempDir dir_;
  std::promise<void> release_;
};

TEST_F(WriterTest, JobCommitsAndReportsSuccess) {
  Writer writer(open_writer_db(), 100);
  Countdown done(1);
  std::atomic<bool> ok = false;
  writer.submit(insert("a", [&](bool result) {
    ok = result;
    done.arrive();
  }));
  ASSERT_TRUE(done.wait());
  EXPECT_TRUE(ok);
  // done(true) means committed: another connection sees it before the writer stops.
  EXPECT_EQ(committed("a"), 1);
  const auto stats = writer.stats();
  EXPECT_EQ(stats.jobs, 1u);
  EXPECT_EQ(stats.commits, 1u);
  EXPECT_EQ(stats.failed_jobs, 0u);
}

TEST_F(WriterTest, DoneRunsOnTheWriterThread) {
  Writer writer(open_writer_db(), 100);
  Countdown done(1);
  std::thread::id apply_thread, done_thread;
  writer.submit(Job{[&](Database&) { apply_thread = std::this_thread::get_id(); },
                    [&](bool) {
                      done_thread = std::this_thread::get_id();
                      done.arrive();
                    }});
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(apply_thread, done_thread);
  EXPECT_NE(done_thread, std::this_thread::get_id());
}

TEST_F(WriterTest, JobsFromManyThreadsAllCommit) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  Writer writer(open_writer_db(), 1000);
  Countdown done(kThreads * kPerThread);
  std::atomic<int> succeeded = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        writer.submit(insert("t" + std::to_string(t) + "-" + std::to_string(i), [&](bool ok) {
          if (ok) ++succeeded;
          done.arrive();
        }));
      }
    });
  }
  for (auto& t : threads)
    t.join();
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(succeeded, kThreads * kPerThread);
  EXPECT_EQ(committed(), kThreads * kPerThread);
  const auto stats = writer.stats();
  EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(stats.failed_jobs, 0u);
  EXPECT_LE(stats.commits, stats.jobs);
}

TEST_F(WriterTest, QueuedJobsAreGroupedIntoOneCommit) {
  constexpr int kQueued = 50;
  Writer writer(open_writer_db(), 1000);
  Countdown done(1 + kQueued);
  hold_writer(writer, done);
  for (int i = 0; i < kQueued; ++i) {
    writer.submit(insert("q" + std::to_string(i), [&](bool) { done.arrive(); }));
  }
  release();
  ASSERT_TRUE(done.wait());
  const auto stats = writer.stats();
  EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(1 + kQueued));
  // One commit for the holder, one for everything that queued behind it.
  EXPECT_EQ(stats.commits, 2u);
  EXPECT_EQ(committed(), 1 + kQueued);
}

TEST_F(WriterTest, BatchesAreCappedAtMaxBatch) {
  Writer writer(open_writer_db(), 3);
  Countdown done(1 + 9);
  hold_writer(writer, done);
  for (int i = 0; i < 9; ++i) {
    writer.submit(insert("q" + std::to_string(i), [&](bool) { done.arrive(); }));
  }
  release();
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(writer.stats().commits, 1u + 3u);
  EXPECT_EQ(committed(), 10);
}

TEST_F(WriterTest, MaxBatchZeroMeansOneJobPerCommit) {
  Writer writer(open_writer_db(), 0);
  Countdown done(1 + 3);
  hold_writer(writer, done);
  for (int i = 0; i < 3; ++i) {
    writer.submit(insert("q" + std::to_string(i), [&](bool) { done.arrive(); }));
  }
  release();
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(writer.stats().commits, 4u);
}

TEST_F(WriterTest, ThrowingJobIsRolledBackAloneWhileTheRestOfItsBatchCommits) {
  Writer writer(open_writer_db(), 1000);
  Countdown done(1 + 3);
  std::atomic<int> first = -1, failing = -1, last = -1;
  hold_writer(writer, done);
  writer.submit(insert("before", [&](bool ok) {
    first = ok;
    done.arrive();
  }));
  writer.submit(Job{[](Database& db) {
                      db.prepare("INSERT INTO items VALUES ('doomed')").run();
                      throw std::runtime_error("job failed half-way");
                    },
                    [&](bool ok) {
                      failing = ok;
                      done.arrive();
                    }});
  writer.submit(insert("after", [&](bool ok) {
    last = ok;
    done.arrive();
  }));
  release();
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(first, 1);
  EXPECT_EQ(failing, 0);
  EXPECT_EQ(last, 1);
  EXPECT_EQ(committed("before"), 1);
  EXPECT_EQ(committed("doomed"), 0);
  EXPECT_EQ(committed("after"), 1);
  const auto stats = writer.stats();
  EXPECT_EQ(stats.commits, 2u);  // the failure did not split the batch
  EXPECT_EQ(stats.failed_jobs, 1u);
  EXPECT_EQ(stats.jobs, 4u);
}

TEST_F(WriterTest, SqlErrorInAJobFailsOnlyThatJob) {
  Writer writer(open_writer_db(), 1000);
  Countdown done(1 + 2);
  std::atomic<int> duplicate = -1, fine = -1;
  hold_writer(writer, done);
  // "holder" exists already: the UNIQUE constraint makes this job throw SqliteError.
  writer.submit(insert("holder", [&](bool ok) {
    duplicate = ok;
    done.arrive();
  }));
  writer.submit(insert("fine", [&](bool ok) {
    fine = ok;
    done.arrive();
  }));
  release();
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(duplicate, 0);
  EXPECT_EQ(fine, 1);
  EXPECT_EQ(committed(), 2);
}

TEST_F(WriterTest, JobWithoutDoneStillCommits) {
  Writer writer(open_writer_db(), 100);
  writer.submit(
      Job{[](Database& db) { db.prepare("INSERT INTO items VALUES ('silent')").run(); }, nullptr});
  writer.stop();
  EXPECT_EQ(committed("silent"), 1);
}

TEST_F(WriterTest, SubmitAfterStopFailsAtOnceOnTheCallersThread) {
  Writer writer(open_writer_db(), 100);
  writer.stop();
  bool called = false, ok = true, applied = false;
  std::thread::id thread;
  writer.submit(Job{[&](Database&) { applied = true; },
                    [&](bool result) {
                      called = true;
                      ok = result;
                      thread = std::this_thread::get_id();
                    }});
  EXPECT_TRUE(called);
  EXPECT_FALSE(ok);
  EXPECT_FALSE(applied);
  EXPECT_EQ(thread, std::this_thread::get_id());
  EXPECT_EQ(committed(), 0);
}

TEST_F(WriterTest, StopDrainsQueuedJobs) {
  constexpr int kQueued = 20;
  Writer writer(open_writer_db(), 5);
  Countdown done(1 + kQueued);
  std::atomic<int> succeeded = 0;
  hold_writer(writer, done);
  for (int i = 0; i < kQueued; ++i) {
    writer.submit(insert("q" + std::to_string(i), [&](bool ok) {
      if (ok) ++succeeded;
      done.arrive();
    }));
  }
  // stop() joins the writer thread, so it runs on a thread of its own; the writer is released
  // only once stop() has begun refusing work, so the queued jobs are still queued when it does.
  std::thread stopper([&] { writer.stop(); });
  std::atomic<bool> refused = false;
  std::atomic<int> probes_ok = 0;
  int probes_queued = 0;
  while (!refused) {
    writer.submit(Job{[](Database&) {},
                      [&](bool ok) {
                        if (ok) {
                          ++probes_ok;
                        } else {
                          refused = true;
                        }
                      }});
    if (!refused) ++probes_queued;
    std::this_thread::yield();
  }
  release();
  stopper.join();
  EXPECT_EQ(done.left(), 0);
  EXPECT_EQ(succeeded, kQueued);
  EXPECT_EQ(probes_ok, probes_queued);
  EXPECT_EQ(committed(), 1 + kQueued);
}

TEST_F(WriterTest, DeferredJobWaitsToShareTheNextCommit) {
  Writer writer(open_writer_db(), 1000, {}, {.deferral_window = std::chrono::hours(1)});
  Countdown deferred(1);
  Countdown urgent(1);
  std::atomic<int> deferred_ok = 0;
  writer.submit(deferred_insert("late", deferred_ok, deferred));
  // Within an hour's window nothing commits it; without the window this would take a millisecond.
  EXPECT_FALSE(deferred.wait(200ms));
  EXPECT_EQ(committed("late"), 0);
  EXPECT_EQ(writer.stats().commits, 0u);

  writer.submit(insert("now", [&](bool) { urgent.arrive(); }));
  ASSERT_TRUE(urgent.wait());
  ASSERT_TRUE(deferred.wait());
  EXPECT_EQ(deferred_ok, 1);
  const auto stats = writer.stats();
  EXPECT_EQ(stats.commits, 1u);
  EXPECT_EQ(stats.jobs, 2u);
  EXPECT_EQ(committed(), 2);
}

TEST_F(WriterTest, DeferredJobsCommitTogetherWhenTheWindowEnds) {
  constexpr int kDeferred = 3;
  Writer writer(open_writer_db(), 1000, {}, {.deferral_window = 20ms});
  Countdown done(1 + kDeferred);
  std::atomic<int> succeeded = 0;
  hold_writer(writer, done);
  for (int i = 0; i < kDeferred; ++i)
    writer.submit(deferred_insert("d" + std::to_string(i), succeeded, done));
  release();
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(succeeded, kDeferred);
  // One commit for the holder, one for the deferred jobs once their window ran out.
  EXPECT_EQ(writer.stats().commits, 2u);
  EXPECT_EQ(committed(), 1 + kDeferred);
}

TEST_F(WriterTest, StopCommitsDeferredJobsAtOnce) {
  Writer writer(open_writer_db(), 1000, {}, {.deferral_window = std::chrono::hours(1)});
  Countdown done(1);
  std::atomic<int> succeeded = 0;
  writer.submit(deferred_insert("held", succeeded, done));
  EXPECT_FALSE(done.wait(100ms));
  writer.stop();  // does not wait out the hour
  EXPECT_EQ(done.left(), 0);
  EXPECT_EQ(succeeded, 1);
  EXPECT_EQ(committed("held"), 1);
}

TEST_F(WriterTest, UnderLoadCommitsWaitOutTheInterval) {
  Writer writer(open_writer_db(), 1000, {}, {.commit_interval = std::chrono::hours(1)});
  // A burst of 64 jobs in one commit, a moment after the holder's: against an hour-long interval
  // that is a busy rate. The burst itself is not held: the pacer had seen no load before.
  constexpr int kBurst = 64;
  Countdown burst(1 + kBurst);
  hold_writer(writer, burst);
  for (int i = 0; i < kBurst; ++i)
    writer.submit(insert("burst" + std::to_string(i), [&](bool) { burst.arrive(); }));
  release();
  ASSERT_TRUE(burst.wait());
  ASSERT_EQ(writer.stats().commits, 2u);

  Countdown done(2);
  std::atomic<int> succeeded = 0;
  for (const auto* name : {"paced1", "paced2"}) {
    writer.submit(insert(name, [&](bool ok) {
      if (ok) ++succeeded;
      done.arrive();
    }));
  }
  // Held for the rest of the hour; without pacing this would take a millisecond.
  EXPECT_FALSE(done.wait(200ms));
  EXPECT_EQ(committed("paced1"), 0);
  writer.stop();  // does not wait out the hour
  EXPECT_EQ(done.left(), 0);
  EXPECT_EQ(succeeded, 2);
  EXPECT_EQ(writer.stats().commits, 3u);  // both in one
  EXPECT_EQ(committed(), 1 + kBurst + 2);
}

TEST_F(WriterTest, DeferredJobsDoNotSetThePace) {
  Writer writer(open_writer_db(), 1000, {},
                {.deferral_window = 0ms, .commit_interval = std::chrono::hours(1)});
  // The same burst as above, but of read audit entries: nobody waits for those, and a write
  // that comes after them is not paced.
  constexpr int kBurst = 64;
  Countdown burst(1 + kBurst);
  std::atomic<int> deferred_ok = 0;
  hold_writer(writer, burst);
  for (int i = 0; i < kBurst; ++i)
    writer.submit(deferred_insert("audit" + std::to_string(i), deferred_ok, burst));
  release();
  ASSERT_TRUE(burst.wait());
  EXPECT_EQ(deferred_ok, kBurst);

  Countdown done(1);
  writer.submit(insert("post", [&](bool) { done.arrive(); }));
  EXPECT_TRUE(done.wait());  // within the default wait, not the hour
  EXPECT_EQ(committed("post"), 1);
}

TEST_F(WriterTest, StopIsIdempotent) {
  Writer writer(open_writer_db(), 100);
  writer.stop();
  EXPECT_NO_THROW(writer.stop());
}

}  // namespace
}  // namespace musubi::storage
