#include "server/retention_commands.hpp"

#include <ctime>
#include <sstream>

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

// Local noon of a calendar day, in milliseconds (the command counts in local days).
std::int64_t local_noon(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm)) * 1000;
}

class RetentionCommand : public ::testing::Test {
 protected:
  RetentionCommand() {
    config.data_dir = dir.path() / "data";
    auto db = open_admin_database(config);
    db->exec(
        "INSERT INTO organizations (id, code, name, type, address, municipality, association, "
        "association_area, registered_on, created_ms) VALUES (1, 'o', 'o', 'clinic', '', '柏市', "
        "'', '', '2019-01-01', 0);"
        "INSERT INTO users (id, login, name, password_hash, org_id, profession, role, "
        "created_ms) VALUES (1, 'u1', 'u', 'x', 1, 'nurse', 'member', 0);"
        "INSERT INTO patients (id, public_id, name, kana, birth_date, sex, municipality, "
        "address, registered_by, registered_ms) VALUES (1, 'p', 'p', 'p', '1940-01-01', "
        "'female', '柏市', '', 1, 0);"
        "INSERT INTO room_requests (id, public_id, patient_id, requester_id, "
        "requester_profession, first_request, physician_id, physician_setting, state, note, "
        "created_ms, updated_ms) VALUES (1, 'q', 1, 1, 'nurse', 1, 1, 'clinic', 'open', '', 0, "
        "0);");
    storage::append_audit(*db, 1, 1, "sign_in", std::nullopt, "");
  }

  // A room with `messages` messages and one attachment holding `file`; closed at `closed_ms`
  // unless 0.
  void room(const std::string& public_id, std::int64_t closed_ms, const std::string& file,
            int messages = 2) {
    const auto sha = BlobStore(config.attachments_path()).put(file);
    auto db = open_admin_database(config);
    db->prepare(
          "INSERT INTO rooms (public_id, title, created_by, created_ms, patient_id, request_id, "
          "physician_participates, closed_ms) VALUES (?, 't', 1, 0, 1, 1, 1, ?)")
        .bind(1, public_id)
        .bind(2, closed_ms == 0 ? std::nullopt : std::optional<std::int64_t>(closed_ms))
        .run();
    const auto id = db->last_insert_rowid();
    db->prepare(
          "INSERT INTO members (room_id, user_id, role, added_by, added_ms) "
          "VALUES (?, 1, 'admin', 1, 0)")
        .bind(1, id)
        .run();
    for (int seq = 1; seq <= messages; ++seq) {
      db->prepare(
            "INSERT INTO events (room_id, seq, ts_ms, type, author_id, content) "
            "VALUES (?, ?, 0, 'message', 1, '{}')")
          .bind(1, id)
          .bind(2, static_cast<std::int64_t>(seq))
          .run();
    }
    db->prepare(
          "INSERT INTO attachments (public_id, room_id, uploader_id, sha256, media_type, size, "
          "name, uploaded_ms, event_seq) VALUES (?, ?, 1, ?, 'application/pdf', 1, 'a.pdf', 0, "
          "1)")
        .bind(1, "att_" + public_id)
        .bind(2, id)
        .bind(3, sha)
        .run();
  }

  fs::path file_of(const std::string& bytes) const {
    return BlobStore(config.attachments_path()).path_of(BlobStore::sha256_hex(bytes));
  }

  std::int64_t scalar(const std::string& sql) {
    storage::Database db(config.database_path(), storage::OpenMode::read_only);
    auto& st = db.prepare(sql);
    EXPECT_TRUE(st.step()) << sql;
    return st.int64(0);
  }

  int run(bool apply, std::int64_t now) {
    out.str("");
    err.str("");
    return retention(config, apply, now, out, err);
  }

  musubi::testing::TempDir dir;
  ServerConfig config;
  std::ostringstream out;
  std::ostringstream err;
};

TEST_F(RetentionCommand, DryRunListsDueRoomsAndDeletesNothing) {
  room("old", local_noon(2020, 3, 15), "old file", 3);
  room("recent", local_noon(2021, 6, 1), "recent file");
  room("open", 0, "open file");
  ASSERT_EQ(run(false, local_noon(2025, 3, 16)), 0) << err.str();
  EXPECT_EQ(out.str(),
            "retention: closed rooms are kept 5 years after the day they closed; today is "
            "2025-03-16\n"
            "ROOM\tCLOSED\tKEPT UNTIL\tEVENTS\tATTACHMENTS\n"
            "old\t2020-03-15\t2025-03-15\t3\t1\n"
            "1 room due; 1 closed room still within the period.\n"
            "dry run: nothing was deleted (musubid retention --apply purges the rooms above)\n");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 7);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM rooms WHERE purged_ms IS NOT NULL"), 0);
  EXPECT_TRUE(fs::exists(file_of("old file")));
}

TEST_F(RetentionCommand, NothingIsDueOnTheLastDayOfThePeriod) {
  room("old", local_noon(2020, 3, 15), "old file");
  ASSERT_EQ(run(true, local_noon(2025, 3, 15)), 0) << err.str();
  EXPECT_NE(out.str().find("no room is due; 1 closed room still within the period\n"),
            std::string::npos)
      << out.str();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 2);
  EXPECT_TRUE(fs::exists(file_of("old file")));
}

TEST_F(RetentionCommand, ApplyPurgesDueRoomsAndTheirFilesOnly) {
  room("old", local_noon(2020, 3, 15), "old file", 3);
  room("twin", local_noon(2020, 3, 15), "shared file");
  room("recent", local_noon(2021, 6, 1), "shared file");
  room("open", 0, "open file");
  ASSERT_EQ(run(true, local_noon(2025, 3, 16)), 0) << err.str();
  EXPECT_NE(out.str().find("purged old: 3 events, 1 attachment, 1 file deleted\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("purged twin: 2 events, 1 attachment, 0 files deleted\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("purged 2 rooms; 1 closed room still within the period\n"),
            std::string::npos)
      << out.str();

  EXPECT_FALSE(fs::exists(file_of("old file")));
  EXPECT_TRUE(fs::exists(file_of("shared file")));  // the recent room posted it too
  EXPECT_TRUE(fs::exists(file_of("open file")));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 4);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM attachments"), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM rooms"), 4);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM rooms WHERE purged_ms IS NOT NULL"), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit WHERE action = 'retention.purge' AND detail = "
                   "'events=3 attachments=1 years=5 closed=2020-03-15'"),
            1);
  {
    storage::Database db(config.database_path(), storage::OpenMode::read_only);
    EXPECT_TRUE(storage::verify_audit_chain(db).ok());
  }

  // A second run finds nothing more to do.
  ASSERT_EQ(run(true, local_noon(2025, 3, 16)), 0) << err.str();
  EXPECT_NE(out.str().find("no room is due"), std::string::npos) << out.str();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit WHERE action = 'retention.purge'"), 2);
}

TEST_F(RetentionCommand, LongerPeriodKeepsRoomsLonger) {
  config.retention.closed_room_years = 10;
  room("old", local_noon(2020, 3, 15), "old file");
  ASSERT_EQ(run(true, local_noon(2030, 3, 15)), 0) << err.str();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 2);
  ASSERT_EQ(run(true, local_noon(2030, 3, 16)), 0) << err.str();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 0);
}

TEST_F(RetentionCommand, ZeroKeepsForever) {
  config.retention.closed_room_years = 0;
  room("old", local_noon(1990, 1, 1), "old file");
  ASSERT_EQ(run(true, local_noon(2025, 3, 16)), 0) << err.str();
  EXPECT_NE(out.str().find("kept forever"), std::string::npos) << out.str();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 2);
}

TEST_F(RetentionCommand, TooShortAPeriodIsRefused) {
  config.retention.closed_room_years = 1;
  room("old", local_noon(2020, 3, 15), "old file");
  EXPECT_EQ(run(true, local_noon(2025, 3, 16)), 1);
  EXPECT_NE(err.str().find("at least 5"), std::string::npos) << err.str();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 2);
}

TEST_F(RetentionCommand, MissingDatabaseIsAnError) {
  config.data_dir = dir.path() / "nowhere";
  EXPECT_EQ(run(false, local_noon(2025, 3, 16)), 1);
  EXPECT_NE(err.str().find("no database"), std::string::npos) << err.str();
  EXPECT_FALSE(fs::exists(config.data_dir));
}

}  // namespace
}  // namespace musubi::server
