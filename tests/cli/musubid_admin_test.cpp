// musubid as an operator meets it: the first start's one-time password, and `musubid user ...`.
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

using MusubidUserCommands = CliTest;

TEST_F(MusubidUserCommands, AddListRefuseDuplicatesAndShortPasswords) {
  server().add_user("sato", "佐藤 花子", kUserPassword);
  const auto list = server().admin({"user", "list"});
  ASSERT_EQ(list.exit_code(), 0) << list.describe();
  EXPECT_NE(list.out.find("sato\t佐藤 花子\t-\tactive\n"), std::string::npos) << list.out;

  const auto duplicate = server().admin({"user", "add", "sato", "--name", "別の 佐藤"},
                                        std::string(kUserPassword) + "\n");
  EXPECT_NE(duplicate.exit_code(), 0) << duplicate.describe();
  EXPECT_NE(duplicate.err.find("already taken"), std::string::npos) << duplicate.err;

  const auto short_password = server().admin({"user", "add", "kato", "--name", "加藤"}, "short\n");
  EXPECT_NE(short_password.exit_code(), 0) << short_password.describe();
  EXPECT_NE(short_password.err.find("at least 8"), std::string::npos) << short_password.err;

  const auto after = server().admin({"user", "list", "--json"});
  EXPECT_EQ(after.out.find("kato"), std::string::npos) << after.out;
  EXPECT_EQ(ChildProcess::occurrences(after.out, "\"login\":\"sato\""), 1u) << after.out;

  // The user added while the server runs can sign in at once.
  user("sato").login(server(), "sato", kUserPassword);
}

TEST_F(MusubidUserCommands, DisabledUserCannotLogIn) {
  server().add_user("tanaka", "田中 健", kUserPassword);
  ASSERT_EQ(server().admin({"user", "disable", "tanaka"}).exit_code(), 0);
  const auto r = user("tanaka").run(
      {"--server", server().url(), "--ca", server().cert_file().string(), "login", "tanaka"},
      std::string(kUserPassword) + "\n");
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_EQ(r.err, "musubi: wrong login or password\n");
}

}  // namespace
}  // namespace musubi::testing
