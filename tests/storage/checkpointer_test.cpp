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
  Checkpointer checkpointer(path, "FULL", 5000, {.every_pages = 20, .restart_pages = 100000});
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
  Checkpointer checkpointer(path, "FULL", 5000, {.every_pages = 1000, .restart_pages = 100000});
  checkpointer.watch(writer);
  for (int i = 0; i < 5; ++i)
    writer.prepare("INSERT INTO t VALUES (1)").run();
  checkpointer.stop();  // joins the thread: any checkpoint it was woken for has finished
  EXPECT_EQ(checkpointer.checkpoints(), 0u);
}

std::uintmax_t log_bytes(const std::filesystem::path& database) {
  auto log = database;
  log += "-wal";
  return std::filesystem::file_size(log);
}

constexpr std::uintmax_t kFrameBytes = 4096 + 24;  // a page and its frame header

TEST(Checkpointer, TheWriterStartsTheLogAgainOnceItIsLong) {
  testing::TempDir dir;
  const auto path = dir.path() / "musubi.db";
  Database writer(path, OpenMode::read_write);
  writer.exec("CREATE TABLE t(x BLOB)");
  // The background thread is never woken here: only the writer's own checkpoints keep the log
  // short. Without them it would hold all 400 commits, some 1,600 frames.
  Checkpointer checkpointer(path, "FULL", 5000, {.every_pages = 1 << 30, .restart_pages = 50});
  checkpointer.watch(writer);
  for (int i = 0; i < 400; ++i)
    writer.prepare("INSERT INTO t VALUES (randomblob(4000))").run();
  EXPECT_GE(checkpointer.restarts(), 5u);
  EXPECT_EQ(checkpointer.checkpoints(), 0u);
  // The log file is overwritten from its start, so its size is its longest length so far.
  EXPECT_LT(log_bytes(path), (50 + 10) * kFrameBytes);
}

TEST(Checkpointer, AnOpenReadDelaysTheRestartWithoutStoppingTheWriter) {
  testing::TempDir dir;
  const auto path = dir.path() / "musubi.db";
  Database writer(path, OpenMode::read_write);
  writer.exec("CREATE TABLE t(x BLOB)");
  Checkpointer checkpointer(path, "FULL", 5000, {.every_pages = 1 << 30, .restart_pages = 50});
  checkpointer.watch(writer);

  Database reader(path, OpenMode::read_only);
  reader.exec("BEGIN");
  auto& count = reader.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.step());  // the read transaction now holds its snapshot
  count.reset();
  for (int i = 0; i < 100; ++i)
    writer.prepare("INSERT INTO t VALUES (randomblob(4000))").run();
  EXPECT_EQ(checkpointer.restarts(), 0u);  // the reader still needs the database as it was
  EXPECT_GT(log_bytes(path), 100 * kFrameBytes);

  reader.exec("COMMIT");
  for (int i = 0; i < 100; ++i)
    writer.prepare("INSERT INTO t VALUES (randomblob(4000))").run();
  EXPECT_GE(checkpointer.restarts(), 1u);
}

}  // namespace
}  // namespace musubi::storage
