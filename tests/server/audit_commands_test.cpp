#include "server/audit_commands.hpp"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "protocol/timestamp.hpp"
#include "server/data_directory.hpp"
#include "storage/audit.hpp"
#include "storage/database.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

class AuditCommands : public ::testing::Test {
 protected:
  AuditCommands() { config.data_dir = dir.path() / "data"; }

  void append(std::int64_t ts_ms, std::string_view action, std::string_view detail) {
    auto db = open_admin_database(config);
    storage::append_audit(*db, ts_ms, std::nullopt, action, std::nullopt, detail);
  }

  musubi::testing::TempDir dir;
  ServerConfig config;
  std::ostringstream out;
  std::ostringstream err;
};

TEST_F(AuditCommands, VerifyReportsAnIntactChainWithItsHead) {
  append(1000, "org.register", "code=a");
  append(2000, "user.add", "login=b");
  EXPECT_EQ(audit_verify(config, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("2 entries, chain intact"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("head: "), std::string::npos);
}

TEST_F(AuditCommands, VerifyFailsAndNamesTheEntryAfterTampering) {
  append(1000, "org.register", "code=a");
  append(2000, "user.add", "login=b");
  append(3000, "user.add", "login=c");
  {
    storage::Database db(config.database_path(), storage::OpenMode::read_write);
    db.exec("DROP TRIGGER audit_no_update");
    db.exec("UPDATE audit SET detail = 'login=mallory' WHERE id = 2");
  }
  EXPECT_EQ(audit_verify(config, out, err), 1);
  EXPECT_NE(err.str().find("BROKEN at entry 2"), std::string::npos) << err.str();
}

TEST_F(AuditCommands, VerifyWithoutADatabaseFails) {
  EXPECT_EQ(audit_verify(config, out, err), 1);
  EXPECT_NE(err.str().find("no database"), std::string::npos);
}

TEST_F(AuditCommands, ExportWritesTheRangeAsCsvAndIsItselfAudited) {
  append(1000, "org.register", "code=a");
  append(2000, "user.add", "login=b, \"quoted\"");
  append(3000, "user.add", "=HYPERLINK(\"x\")");
  ASSERT_EQ(audit_export(config, 2000, 3001, out, err), 0) << err.str();
  const std::string csv = out.str();
  EXPECT_EQ(csv.find("id,time,actor_id,actor_login,action,room,detail\r\n"), 0u);
  EXPECT_EQ(csv.find("code=a"), std::string::npos);  // before the range
  EXPECT_NE(csv.find("2," + protocol::format_timestamp(2000) +
                     ",,,user.add,,\"login=b, "
                     "\"\"quoted\"\"\"\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\")\"\r\n"), std::string::npos) << csv;
  EXPECT_NE(err.str().find("exported 2 audit entries"), std::string::npos);

  std::ostringstream again;
  ASSERT_EQ(audit_export(config, 0, INT64_MAX, again, err), 0);
  EXPECT_NE(again.str().find("audit.export"), std::string::npos);
  EXPECT_EQ(audit_verify(config, out, err), 0);
}

TEST_F(AuditCommands, ExportRefusesAnEmptyRange) {
  EXPECT_EQ(audit_export(config, 5000, 5000, out, err), 2);
}

TEST(TimeBound, TakesRfc3339OrALocalDate) {
  EXPECT_EQ(parse_time_bound("2026-12-05T00:00:00.000Z", false), 1796428800000);
  const auto start = parse_time_bound("2026-12-05", false);
  const auto end = parse_time_bound("2026-12-05", true);
  ASSERT_TRUE(start && end);
  EXPECT_EQ(*end - *start, 24LL * 3600 * 1000);  // no daylight saving in Japan (or in UTC)
  EXPECT_EQ(parse_time_bound("2026-12-31", true), parse_time_bound("2027-01-01", false));
  EXPECT_FALSE(parse_time_bound("2026-02-30", false));
  EXPECT_FALSE(parse_time_bound("yesterday", false));
}

TEST(CsvField, QuotesOnlyWhenNeededAndDefusesFormulas) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("=1+1"), "'=1+1");
  EXPECT_EQ(csv_field("-2"), "'-2");
  EXPECT_EQ(csv_field(""), "");
}

}  // namespace
}  // namespace musubi::server
