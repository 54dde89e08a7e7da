#include "storage/checkpoint_vfs.hpp"

#include <cstdint>
#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/database.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage {
namespace {

TEST(CheckpointVfs, IsForLogsWhoseCommitsSyncThemselves) {
  EXPECT_TRUE(commits_sync_the_log("FULL"));
  EXPECT_TRUE(commits_sync_the_log("EXTRA"));
  EXPECT_FALSE(commits_sync_the_log("NORMAL"));
  EXPECT_FALSE(commits_sync_the_log("OFF"));
}

TEST(CheckpointVfs, ACheckpointThroughItLeavesOutTheLogSyncAndCopiesEveryFrame) {
  testing::TempDir dir;
  const auto path = dir.path() / "musubi.db";
  constexpr int rows = 50;
  {
    Database writer(path, OpenMode::read_write, "FULL");
    writer.exec("PRAGMA wal_autocheckpoint=0");
    writer.exec("CREATE TABLE t(x BLOB)");
    for (int i = 0; i < rows; ++i)
      writer.prepare("INSERT INTO t VALUES (randomblob(3000))").run();
    const auto file_size_before = std::filesystem::file_size(path);

    Database checkpointer(path, OpenMode::read_write, "FULL", 5000, checkpoint_vfs());
    const auto skipped_before = skipped_log_syncs();
    int log_frames = -1;
    int copied = -1;
    ASSERT_EQ(sqlite3_wal_checkpoint_v2(checkpointer.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                        &log_frames, &copied),
              SQLITE_OK);
    EXPECT_GT(log_frames, rows);
    EXPECT_EQ(copied, log_frames);  // every frame is in the database file now
    EXPECT_EQ(skipped_log_syncs(), skipped_before + 1);
    EXPECT_GT(std::filesystem::file_size(path), file_size_before + std::uintmax_t{rows} * 3000);

    // The writer goes on; the log starts again from its beginning, over frames already copied,
    // instead of growing.
    const auto log = std::filesystem::path(path.string() + "-wal");
    const auto log_size = std::filesystem::file_size(log);
    writer.prepare("INSERT INTO t VALUES (randomblob(3000))").run();
    EXPECT_EQ(std::filesystem::file_size(log), log_size);
  }
  Database reopened(path, OpenMode::read_write);
  auto& count = reopened.prepare("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.int64(0), rows + 1);
  count.reset();
  auto& check = reopened.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
  check.reset();
}

}  // namespace
}  // namespace musubi::storage
