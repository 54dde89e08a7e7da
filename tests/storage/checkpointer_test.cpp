#include "storage/checkpointer.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace musubi::storage {
namespace {

// Polls `done` until it holds or five seconds pass.
template <class Done>
bool eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(Checkpointer, CopiesTheLogIntoTheDatabaseBesideTheWriter) {
  testing::TempDir dir;
  const auto path = dir.path() / "musubi.db";
  Database writer(path, OpenMode::read_write);
  writer.exec("CREATE TABLE t(x BLOB)");
  Checkpointer checkpointer(path, "FULL", 5000, 20);
  checkpointer.watch(writer);
  auto& pragma = writer.prepare("PRAGMA wal_autocheckpoint");
  ASSERT_TRUE(pragma.step());
  EXPECT_EQ(pragma.int64(0), 0);  // the writer's own commits never checkpoint
  pragma.reset();

  const auto file_size_before = std::filesystem::file_size(path);
  for (int i = 0; i < 60; ++i)
    writer.prepare("INSERT INTO t VALUES (randomblob(4000))").run();
  // Sixty commits of a page or more each: past the threshold, so a checkpoint ran and the rows
  // are in the database file itself, not only in the log.
  EXPECT_TRUE(eventually([&] { return checkpointer.checkpoints() > 0; }));
  EXPECT_TRUE(
      eventually([&] { return std::filesystem::file_size(path) > file_size_before + 30 * 4000; }));
}

TEST(Checkpointer, StaysQuietBelowTheThreshold) {
  testing::TempDir dir;
  const auto path = dir.path() / "musubi.db";
  Database writer(path, OpenMode::read_write);
  writer.exec("CREATE TABLE t(x INTEGER)");
  Checkpointer checkpointer(path, "FULL", 5000, 1000);
  checkpointer.watch(writer);
  for (int i = 0; i < 5; ++i)
    writer.prepare("INSERT INTO t VALUES (1)").run();
  checkpointer.stop();  // joins the thread: any checkpoint it was woken for has finished
  EXPECT_EQ(checkpointer.checkpoints(), 0u);
}

TEST(Checkpointer, IsDueWhenTheLogHasGrownByTheThresholdSinceTheLastCheckpoint) {
  EXPECT_FALSE(checkpoint_due(0, 0, 1000));
  EXPECT_FALSE(checkpoint_due(999, 0, 1000));
  EXPECT_TRUE(checkpoint_due(1000, 0, 1000));
  // A log longer than the threshold is not enough: what the last checkpoint saw is not new.
  EXPECT_FALSE(checkpoint_due(1500, 1000, 1000));
  EXPECT_FALSE(checkpoint_due(1999, 1000, 1000));
  EXPECT_TRUE(checkpoint_due(2000, 1000, 1000));
  // A log that started again from its beginning is all new.
  EXPECT_FALSE(checkpoint_due(10, 1500, 1000));
  EXPECT_TRUE(checkpoint_due(1200, 1500, 1000));
}

TEST(Checkpointer, RunsOncePerThresholdOfGrowthWhileTheLogCannotStartAgain) {
  testing::TempDir dir;
  const auto path = dir.path() / "musubi.db";
  Database writer(path, OpenMode::read_write);
  writer.exec("CREATE TABLE t(x BLOB)");
  Database reader(path, OpenMode::read_only);
  constexpr int kThreshold = 20;
  Checkpointer checkpointer(path, "FULL", 5000, kThreshold);
  checkpointer.watch(writer);

  // A reader that always holds a snapshot of the latest commit, as the reader threads do under
  // load: the log is copied back, but it can never start again from its beginning, so its
  // length only grows.
  constexpr int kCommits = 120;
  reader.exec("BEGIN");
  for (int i = 0; i < kCommits; ++i) {
    writer.prepare("INSERT INTO t VALUES (randomblob(3000))").run();
    reader.exec("COMMIT");
    reader.exec("BEGIN");
    auto& count = reader.prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.int64(0), i + 1);
    count.reset();
    ASSERT_TRUE(eventually([&] { return checkpointer.idle(); }));
  }
  reader.exec("COMMIT");

  auto& log = writer.prepare("PRAGMA wal_checkpoint(PASSIVE)");  // busy, log frames, copied
  ASSERT_TRUE(log.step());
  const auto frames = log.int64(1);
  log.reset();
  // Each commit adds a frame or two; a checkpoint after every commit once the log passed the
  // threshold would be about a hundred.
  EXPECT_GE(frames, kCommits);
  EXPECT_GE(checkpointer.checkpoints(), 1u);
  EXPECT_LE(checkpointer.checkpoints(), static_cast<std::uint64_t>(frames / kThreshold));
}

}  // namespace
}  // namespace musubi::storage
