#include "storage/checkpointer.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "storage/checkpoint_vfs.hpp"
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
  const auto skipped_before = skipped_log_syncs();
  for (int i = 0; i < 60; ++i)
    writer.prepare("INSERT INTO t VALUES (randomblob(4000))").run();
  // Sixty commits of a page or more each: past the threshold, so a checkpoint ran and the rows
  // are in the database file itself, not only in the log.
  EXPECT_TRUE(eventually([&] { return checkpointer.checkpoints() > 0; }));
  EXPECT_TRUE(
      eventually([&] { return std::filesystem::file_size(path) > file_size_before + 30 * 4000; }));
  // The commits synced their own frames (FULL): the checkpoints did not sync the log again.
  EXPECT_GT(skipped_log_syncs(), skipped_before);
}

TEST(Checkpointer, SyncsTheLogItselfWhenCommitsDoNot) {
  testing::TempDir dir;
  const auto path = dir.path() / "musubi.db";
  Database writer(path, OpenMode::read_write, "NORMAL");
  writer.exec("CREATE TABLE t(x BLOB)");
  Checkpointer checkpointer(path, "NORMAL", 5000, 20);
  checkpointer.watch(writer);
  const auto skipped_before = skipped_log_syncs();
  for (int i = 0; i < 60; ++i)
    writer.prepare("INSERT INTO t VALUES (randomblob(4000))").run();
  EXPECT_TRUE(eventually([&] { return checkpointer.checkpoints() > 0; }));
  checkpointer.stop();
  EXPECT_EQ(skipped_log_syncs(), skipped_before);
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

}  // namespace
}  // namespace musubi::storage
