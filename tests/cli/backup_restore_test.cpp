// musubid backup and restore as an operator runs them: a backup of a running server, restored
// into a new data directory that a server then starts on.
#include <gtest/gtest.h>

#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

TEST(MusubidBackupRestore, ARestoredDataDirectoryStartsWithTheSameAccounts) {
  TempDir dir;
  Musubid live(dir.path() / "live");
  live.start();
  ASSERT_TRUE(live.bootstrap_password().has_value()) << live.banner();
  live.add_org({kStation, "柏訪問看護ステーション", "visiting_nursing", kCity,
                "千葉県訪問看護ステーション協議会", kCity, "柏1-1-1"});
  live.add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  const auto backup_dir = (dir.path() / "backup").string();
  const auto backed_up = live.admin({"backup", backup_dir});
  ASSERT_EQ(backed_up.exit_code(), 0) << backed_up.describe();
  EXPECT_EQ(live.stop().describe(), "exit 0");

  Musubid restored(dir.path() / "restored");
  const auto restore = restored.admin({"restore", backup_dir});
  ASSERT_EQ(restore.exit_code(), 0) << restore.describe();
  EXPECT_NE(restore.out.find("restored " + backup_dir), std::string::npos) << restore.out;
  const auto verify = restored.admin({"audit", "verify"});
  EXPECT_EQ(verify.exit_code(), 0) << verify.describe();

  restored.start();
  EXPECT_FALSE(restored.bootstrap_password().has_value()) << restored.banner();
  CliUser(dir.path() / "home-admin").login(restored, "admin", *live.bootstrap_password());
  CliUser(dir.path() / "home-sato").login(restored, "sato", kUserPassword);
  EXPECT_EQ(restored.stop().describe(), "exit 0");
}

}  // namespace
}  // namespace musubi::testing
