#include "storage/migrations.hpp"

#include <string>

#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "storage/organizations.hpp"
#include "storage/users.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage {
namespace {

std::int64_t user_version(Database& db) {
  auto& st = db.prepare("PRAGMA user_version");
  EXPECT_TRUE(st.step());
  const auto v = st.int64(0);
  st.reset();
  return v;
}

std::int64_t table_count(Database& db) {
  auto& st = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
  EXPECT_TRUE(st.step());
  const auto n = st.int64(0);
  st.reset();
  return n;
}

bool has_table(Database& db, const std::string& name) {
  auto& st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st.bind(1, name);
  const bool found = st.step();
  st.reset();
  return found;
}

class Migrations : public ::testing::Test {
 protected:
  std::filesystem::path path() const { return dir_.path() / "musubi.db"; }
  musubi::testing::TempDir dir_;
};

TEST_F(Migrations, LatestVersionIsSeven) {
  EXPECT_EQ(latest_schema_version(), 7);
}

TEST_F(Migrations, FreshFileGetsTheLatestVersion) {
  Database db(path(), OpenMode::read_write);
  EXPECT_EQ(user_version(db), 0);
  EXPECT_EQ(migrate(db), latest_schema_version());
  EXPECT_EQ(user_version(db), latest_schema_version());
  for (const char* table :
       {"organizations", "users", "signin_failures", "sessions", "revocations", "patients",
        "consents", "room_requests", "room_request_team", "room_request_log", "rooms", "members",
        "events", "announcements", "announcement_reads", "audit", "recovery_codes"}) {
    EXPECT_TRUE(has_table(db, table)) << table;
  }
}

TEST_F(Migrations, SecondRunIsANoOpAndKeepsData) {
  {
    Database db(path(), OpenMode::read_write);
    ASSERT_EQ(migrate(db), latest_schema_version());
    Organization org;
    org.code = "vn";
    org.name = "訪問看護";
    org.type = "visiting_nursing";
    ASSERT_TRUE(insert_organization(db, org));
  }
  Database db(path(), OpenMode::read_write);
  const auto tables = table_count(db);
  EXPECT_EQ(migrate(db), latest_schema_version());
  EXPECT_EQ(migrate(db), latest_schema_version());
  EXPECT_EQ(table_count(db), tables);
  EXPECT_EQ(count_organizations(db), 1);
  EXPECT_EQ(user_version(db), latest_schema_version());
}

TEST_F(Migrations, FileWithNewerVersionIsRefusedAndLeftUntouched) {
  {
    Database db(path(), OpenMode::read_write);
    db.exec(("PRAGMA user_version=" + std::to_string(latest_schema_version() + 1)).c_str());
  }
  Database db(path(), OpenMode::read_write);
  try {
    migrate(db);
    FAIL() << "migrate accepted a newer schema";
  } catch (const SqliteError& e) {
    EXPECT_EQ(std::string(e.what()),
              "database schema version 8 is newer than this build knows (7)");
  }
  EXPECT_EQ(user_version(db), latest_schema_version() + 1);
  EXPECT_EQ(table_count(db), 0);
  // The failed attempt left no transaction open: the connection is still usable.
  EXPECT_NO_THROW(db.exec("BEGIN IMMEDIATE; COMMIT;"));
}

TEST_F(Migrations, DatabaseUsesWalAndForeignKeys) {
  Database db(path(), OpenMode::read_write);
  auto& mode = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
  mode.reset();
  auto& fk = db.prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk.step());
  EXPECT_EQ(fk.int64(0), 1);
  fk.reset();
  auto& sync = db.prepare("PRAGMA synchronous");
  ASSERT_TRUE(sync.step());
  EXPECT_EQ(sync.int64(0), 2);  // FULL
  sync.reset();
}

TEST_F(Migrations, UnknownSynchronousValueIsRefused) {
  EXPECT_THROW(Database(path(), OpenMode::read_write, "FULL; DROP TABLE users"), SqliteError);
  EXPECT_THROW(Database(path(), OpenMode::read_write, "full"), SqliteError);
}

TEST_F(Migrations, ReadOnlyOpenOfAMissingFileFails) {
  EXPECT_THROW(Database(dir_.path() / "missing.db", OpenMode::read_only), SqliteError);
}

}  // namespace
}  // namespace musubi::storage
