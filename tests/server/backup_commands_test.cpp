#include "server/backup_commands.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "server/blob_store.hpp"
#include "server/data_directory.hpp"
#include "storage/audit.hpp"
#include "storage/audit_chain.hpp"
#include "storage/database.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

namespace fs = std::filesystem;

class Backup : public ::testing::Test {
 protected:
  Backup() {
    config.data_dir = dir.path() / "data";
    restored.data_dir = dir.path() / "restored";
    auto db = open_admin_database(config);
    for (int i = 0; i < 20; ++i)
      storage::append_audit(*db, 1000 + i, std::nullopt, "user.add", std::nullopt,
                            "login=u" + std::to_string(i));
  }

  // An attachment row (with the rows it needs) and its file in the blob store.
  std::string attach(const std::string& bytes) {
    const auto sha = BlobStore(config.attachments_path()).put(bytes);
    auto db = open_admin_database(config);
    db->exec(
        "INSERT OR IGNORE INTO organizations (id, code, name, type, address, municipality, "
        "association, association_area, registered_on, created_ms) VALUES (900, 'o', 'o', "
        "'clinic', '', '柏市', '', '', '2026-01-01', 0);"
        "INSERT OR IGNORE INTO users (id, login, name, password_hash, org_id, profession, role, "
        "created_ms) VALUES (900, 'u900', 'u', 'x', 900, 'nurse', 'member', 0);"
        "INSERT OR IGNORE INTO patients (id, public_id, name, kana, birth_date, sex, "
        "municipality, address, registered_by, registered_ms) VALUES (900, 'p', 'p', 'p', "
        "'1940-01-01', 'female', '柏市', '', 900, 0);"
        "INSERT OR IGNORE INTO room_requests (id, public_id, patient_id, requester_id, "
        "requester_profession, first_request, physician_id, physician_setting, state, note, "
        "created_ms, updated_ms) VALUES (900, 'q', 900, 900, 'nurse', 1, 900, 'clinic', 'open', "
        "'', 0, 0);"
        "INSERT OR IGNORE INTO rooms (id, public_id, title, created_by, created_ms, patient_id, "
        "request_id, physician_participates) VALUES (900, 'r', 't', 900, 0, 900, 900, 1);");
    db->prepare(
          "INSERT INTO attachments (public_id, room_id, uploader_id, sha256, media_type, size, "
          "name, uploaded_ms) VALUES (?, 900, 900, ?, 'application/pdf', ?, 'a.pdf', 0)")
        .bind(1, "att_" + sha.substr(0, 8))
        .bind(2, sha)
        .bind(3, static_cast<std::int64_t>(bytes.size()))
        .run();
    return sha;
  }

  musubi::testing::TempDir dir;
  ServerConfig config;
  ServerConfig restored;
  std::ostringstream out;
  std::ostringstream err;
};

TEST_F(Backup, BackupThenRestoreGivesTheSameDataAndAChainThatVerifies) {
  const auto sha = attach("%PDF-1.4 discharge summary");
  const auto dest = dir.path() / "backup";
  ASSERT_EQ(backup(config, dest, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("1 attachments"), std::string::npos) << out.str();
  ASSERT_EQ(restore(restored, dest, out, err), 0) << err.str();

  storage::Database db(restored.database_path(), storage::OpenMode::read_only);
  const auto chain = storage::verify_audit_chain(db);
  EXPECT_TRUE(chain.ok());
  EXPECT_EQ(chain.entries, 21);  // the 20, then the restore itself
  EXPECT_TRUE(fs::is_regular_file(BlobStore(restored.attachments_path()).path_of(sha)));
  // The restored directory is as sound as the backup, with no temporary copies left in it.
  const auto again = check_backup(restored.data_dir);
  EXPECT_TRUE(again.ok()) << again.problem;
  EXPECT_EQ(again.attachments, 1);
  for (const auto& entry : fs::recursive_directory_iterator(restored.data_dir))
    EXPECT_EQ(entry.path().string().find(".partial"), std::string::npos) << entry.path();
  // The backup was audited in the live database.
  storage::Database live(config.database_path(), storage::OpenMode::read_only);
  storage::AuditQuery q;
  q.action = "backup";
  EXPECT_EQ(storage::list_audit(live, q).size(), 1u);
}

TEST_F(Backup, IsConsistentWhileAnotherConnectionKeepsWriting) {
  std::atomic<bool> stop = false;
  std::thread writer([this, &stop] {
    storage::Database db(config.database_path(), storage::OpenMode::read_write);
    for (int i = 0; !stop; ++i) {
      storage::append_audit(db, 5000 + i, std::nullopt, "sign_in", std::nullopt, "");
      // Paced like a server's commits: a loop of back-to-back commits would starve every other
      // writer (SQLite's busy handler backs off), which no real writer does.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  for (int i = 0; i < 3; ++i) {
    const auto dest = dir.path() / ("backup" + std::to_string(i));
    EXPECT_EQ(backup(config, dest, out, err), 0) << err.str();
    EXPECT_TRUE(check_backup(dest).ok()) << check_backup(dest).problem;
  }
  stop = true;
  writer.join();
}

TEST_F(Backup, CheckingLeavesTheAttachmentsDirectoryAsItIs) {
  const auto dest = dir.path() / "backup";
  ASSERT_EQ(backup(config, dest, out, err), 0) << err.str();  // no attachments to copy
  EXPECT_FALSE(fs::exists(dest / "attachments"));
  fs::create_directory(dest / "attachments");
  fs::permissions(dest / "attachments",
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                  fs::perm_options::replace);
  EXPECT_TRUE(check_backup(dest).ok()) << check_backup(dest).problem;
  EXPECT_EQ(fs::status(dest / "attachments").permissions(),
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

TEST_F(Backup, RefusesADestinationThatIsNotEmpty) {
  const auto dest = dir.path() / "backup";
  fs::create_directories(dest);
  std::ofstream(dest / "something") << "x";
  EXPECT_EQ(backup(config, dest, out, err), 1);
  EXPECT_NE(err.str().find("not empty"), std::string::npos);
}

TEST_F(Backup, RestoreNeverOverwritesADatabase) {
  const auto dest = dir.path() / "backup";
  ASSERT_EQ(backup(config, dest, out, err), 0);
  EXPECT_EQ(restore(config, dest, out, err), 1);
  EXPECT_NE(err.str().find("move the data directory aside"), std::string::npos);
}

TEST_F(Backup, RestoreRefusesALeftOverLogOrSharedMemoryFile) {
  const auto dest = dir.path() / "backup";
  ASSERT_EQ(backup(config, dest, out, err), 0) << err.str();
  for (const std::string suffix : {"-wal", "-shm"}) {
    const fs::path data = dir.path() / ("restored" + suffix);
    restored.data_dir = data;
    fs::create_directories(data);
    const auto left_over = data / ("musubi.db" + suffix);
    std::ofstream(left_over) << "frames of another database";
    err.str("");
    EXPECT_EQ(restore(restored, dest, out, err), 1) << suffix;
    EXPECT_NE(err.str().find(left_over.string() + " exists; stop the server and move the data "
                                                  "directory aside"),
              std::string::npos)
        << err.str();
    // Nothing written: the left-over file is the only entry.
    EXPECT_EQ(std::distance(fs::directory_iterator(data), fs::directory_iterator()), 1) << suffix;
  }
}

TEST_F(Backup, AFailedRestoreLeavesNoDatabaseAndCanBeRunAgain) {
  const auto sha = attach("%PDF-1.4 referral letter");
  const auto dest = dir.path() / "backup";
  ASSERT_EQ(backup(config, dest, out, err), 0) << err.str();
  // A file where the attachments directory should be: copying the attachments fails.
  fs::create_directories(restored.data_dir);
  std::ofstream(restored.attachments_path()) << "in the way";
  EXPECT_EQ(restore(restored, dest, out, err), 1);
  EXPECT_NE(err.str().find("restore failed"), std::string::npos) << err.str();
  EXPECT_FALSE(fs::exists(restored.database_path()));

  fs::remove(restored.attachments_path());
  err.str("");
  ASSERT_EQ(restore(restored, dest, out, err), 0) << err.str();
  EXPECT_TRUE(check_backup(restored.data_dir).ok()) << check_backup(restored.data_dir).problem;
  EXPECT_TRUE(fs::is_regular_file(BlobStore(restored.attachments_path()).path_of(sha)));
}

TEST_F(Backup, RestoreRefusesABackupWithABrokenAuditChain) {
  const auto dest = dir.path() / "backup";
  ASSERT_EQ(backup(config, dest, out, err), 0);
  {
    storage::Database db(dest / "musubi.db", storage::OpenMode::read_write);
    db.exec("DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'x' WHERE id = 3;");
  }
  EXPECT_EQ(restore(restored, dest, out, err), 1);
  EXPECT_NE(err.str().find("audit chain broken at entry 3"), std::string::npos) << err.str();
  EXPECT_FALSE(fs::exists(restored.database_path()));
}

TEST_F(Backup, RestoreRefusesMissingOrAlteredAttachments) {
  const auto sha = attach("%PDF-1.4 care plan");
  const auto dest = dir.path() / "backup";
  ASSERT_EQ(backup(config, dest, out, err), 0) << err.str();
  const auto file = BlobStore(dest / "attachments").path_of(sha);
  fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(file, std::ios::trunc) << "altered";
  EXPECT_EQ(restore(restored, dest, out, err), 1);
  EXPECT_NE(err.str().find("does not match"), std::string::npos) << err.str();
  fs::remove(file);
  EXPECT_FALSE(check_backup(dest).ok());
  EXPECT_NE(check_backup(dest).problem.find("missing"), std::string::npos);
}

TEST_F(Backup, RestoreRefusesAFileThatIsNotADatabase) {
  const auto dest = dir.path() / "junk";
  fs::create_directories(dest);
  std::ofstream(dest / "musubi.db") << std::string(8192, 'x');
  EXPECT_EQ(restore(restored, dest, out, err), 1);
  EXPECT_FALSE(fs::exists(restored.database_path()));
  EXPECT_FALSE(check_backup(dir.path() / "nowhere").ok());
}

}  // namespace
}  // namespace musubi::server
