// musubid as an operator meets it: the first start's one-time password, `musubid org ...` and
// `musubid user ...`.
#include <gtest/gtest.h>

#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

TEST(MusubidFirstStart, PrintsAOneTimePasswordThatSignsInAndNoneOnTheNextStart) {
  TempDir dir;
  Musubid server(dir.path() / "server");
  server.start();
  ASSERT_TRUE(server.bootstrap_password().has_value()) << server.banner();
  EXPECT_GE(server.bootstrap_password()->size(), 12u);

  CliUser admin(dir.path() / "home-admin");
  admin.login(server, "admin", *server.bootstrap_password());
  EXPECT_EQ(admin.run({"rooms"}).exit_code(), 0);

  server.restart();  // same data directory
  EXPECT_FALSE(server.bootstrap_password().has_value()) << server.banner();
  EXPECT_EQ(server.stop().describe(), "exit 0");
  // Stopped: everything it wrote is read, and none of it is a password.
  EXPECT_EQ(server.process().stdout_text().find("First start"), std::string::npos)
      << server.process().stdout_text();
}

// An export that cannot be written (/dev/full: every write fails with ENOSPC) fails, and is not
// recorded as an export.
TEST(MusubidAuditExport, AFailedWriteExitsNonZeroAndIsNotAudited) {
  TempDir dir;
  const Musubid server(dir.path() / "server");
  const std::vector<std::string> range = {"audit",      "export", "--from",
                                          "2000-01-01", "--to",   "2999-12-31"};
  const auto first = server.admin(range);  // creates the database; recorded once
  ASSERT_EQ(first.exit_code(), 0) << first.describe();

  auto to_full = range;
  to_full.insert(to_full.end(), {"--out", "/dev/full"});
  const auto failed = server.admin(to_full);
  EXPECT_EQ(failed.exit_code(), 1) << failed.describe();
  EXPECT_NE(failed.err.find("writing the audit export failed"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.err.find("exported"), std::string::npos) << failed.err;

  const auto after = server.admin(range);
  ASSERT_EQ(after.exit_code(), 0) << after.describe();
  EXPECT_EQ(ChildProcess::occurrences(after.out, ",audit.export,"), 1u) << after.out;
}

using MusubidUserCommands = CliTest;

TEST_F(MusubidUserCommands, AddListRefuseDuplicatesAndShortPasswords) {
  server().add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  const auto list = server().admin({"user", "list"});
  ASSERT_EQ(list.exit_code(), 0) << list.describe();
  EXPECT_NE(list.out.find("sato\t佐藤 花子\tkashiwa-vn\tnurse\tmember\tactive\n"),
            std::string::npos)
      << list.out;

  const auto duplicate = server().admin(
      {"user", "add", "sato", "--name", "別の 佐藤", "--org", kStation, "--profession", "nurse"},
      std::string(kUserPassword) + "\n");
  EXPECT_NE(duplicate.exit_code(), 0) << duplicate.describe();
  EXPECT_NE(duplicate.err.find("already taken"), std::string::npos) << duplicate.err;

  const auto short_password = server().admin(
      {"user", "add", "kato", "--name", "加藤", "--org", kStation, "--profession", "nurse"},
      "short\n");
  EXPECT_NE(short_password.exit_code(), 0) << short_password.describe();
  EXPECT_NE(short_password.err.find("at least 8"), std::string::npos) << short_password.err;

  const auto after = server().admin({"user", "list", "--json"});
  EXPECT_EQ(after.out.find("kato"), std::string::npos) << after.out;
  EXPECT_EQ(ChildProcess::occurrences(after.out, "\"login\":\"sato\""), 1u) << after.out;

  // The user added while the server runs can sign in at once.
  user("sato").login(server(), "sato", kUserPassword);
}

TEST_F(MusubidUserCommands, DisabledUserCannotLogIn) {
  server().add_user("tanaka", "田中 健", kUserPassword, kStation, "nurse");
  ASSERT_EQ(server().admin({"user", "disable", "tanaka"}).exit_code(), 0);
  const auto r = user("tanaka").run(
      {"--server", server().url(), "--ca", server().cert_file().string(), "login", "tanaka"},
      std::string(kUserPassword) + "\n");
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_EQ(r.err, "musubi: wrong login or password\n");
}

TEST_F(MusubidUserCommands, EveryUserCommandNamesALoginThatDoesNotExist) {
  server().add_user("tanaka", "田中 健", kUserPassword, kStation, "nurse");
  const std::vector<std::vector<std::string>> commands = {
      {"user", "disable", "tanaka2"},         {"user", "enable", "tanaka2"},
      {"user", "revoke-sessions", "tanaka2"}, {"user", "reset-2fa", "tanaka2"},
      {"user", "passwd", "tanaka2"},
  };
  for (const auto& command : commands) {
    const auto r = server().admin(command, std::string(kUserPassword) + "\n");
    EXPECT_EQ(r.exit_code(), 1) << r.describe();
    EXPECT_EQ(r.err, "musubid: no user \"tanaka2\"\n") << command[1];
    EXPECT_EQ(r.out, "") << command[1];
  }
  // Nothing happened to the user who does exist.
  user("tanaka").login(server(), "tanaka", kUserPassword);
}

TEST_F(MusubidUserCommands, OrgAddAppliesTheMembershipRuleAndUsersNeedAnOrganization) {
  // No professional association: refused, naming the rule.
  const auto without = server().admin({"org", "add", "lonely", "--name", "孤立クリニック", "--type",
                                       "clinic", "--municipality", "柏市"});
  EXPECT_EQ(without.exit_code(), 1) << without.describe();
  EXPECT_NE(without.err.find("(association_required)"), std::string::npos) << without.err;
  // Outside the city: only through the association of its own location (relaxed rule ②).
  const auto foreign = server().admin(
      {"org", "add", "matsudo-clinic", "--name", "松戸クリニック", "--type", "clinic",
       "--municipality", "松戸市", "--association", "柏市医師会", "--association-area", "柏市"});
  EXPECT_EQ(foreign.exit_code(), 1) << foreign.describe();
  EXPECT_NE(foreign.err.find("(association_not_local)"), std::string::npos) << foreign.err;
  const auto local =
      server().admin({"org", "add", "matsudo-clinic", "--name", "松戸クリニック", "--type",
                      "clinic", "--municipality", "松戸市", "--association", "松戸市医師会",
                      "--association-area", "松戸市"});
  EXPECT_EQ(local.exit_code(), 0) << local.describe();
  const auto orgs = server().admin({"org", "list"});
  EXPECT_NE(orgs.out.find("matsudo-clinic\t松戸クリニック\tclinic\t松戸市\tactive\n"),
            std::string::npos)
      << orgs.out;
  EXPECT_EQ(orgs.out.find("lonely"), std::string::npos) << orgs.out;

  // A user belongs to a registered organization; the city's administrators to its own office.
  const auto nowhere = server().admin(
      {"user", "add", "kato", "--name", "加藤", "--org", "nowhere", "--profession", "nurse"},
      std::string(kUserPassword) + "\n");
  EXPECT_EQ(nowhere.exit_code(), 1) << nowhere.describe();
  EXPECT_NE(nowhere.err.find("no organization \"nowhere\""), std::string::npos) << nowhere.err;
  const auto misplaced = server().admin({"user", "add", "kato", "--name", "加藤", "--org", kClinic,
                                         "--profession", "city_staff", "--role", "city_admin"},
                                        std::string(kUserPassword) + "\n");
  EXPECT_EQ(misplaced.exit_code(), 1) << misplaced.describe();
  EXPECT_NE(misplaced.err.find("(forbidden)"), std::string::npos) << misplaced.err;
  // A member of the out-of-city organization takes part like anyone else.
  signed_in_user("dr.matsudo", "松戸 医師", "matsudo-clinic", "physician");
}

}  // namespace
}  // namespace musubi::testing
