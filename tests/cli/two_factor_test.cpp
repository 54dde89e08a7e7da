// Two-factor sign-in at the command line, with the city's default policy (administrators must
// have it): login, 2fa enrol and confirm, login with the code, and the console's reset.
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_user.hpp"
#include "tests/cli/musubid_process.hpp"
#include "tests/support/authenticator_app.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::testing {
namespace {

TEST(TwoFactorCli, AdministratorEnrolsThenSignsInWithTheCode) {
  TempDir dir;
  Musubid server(dir.path() / "server", "[\"city_admin\"]");
  server.start();
  ASSERT_TRUE(server.bootstrap_password().has_value()) << server.banner();
  const std::string password = *server.bootstrap_password();
  const CliUser admin(dir.path() / "home-admin");
  const std::vector<std::string> login = {
      "--server", server.url(), "--ca", server.cert_file().string(), "login", "admin"};

  auto r = admin.run(login, password + "\n");
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_NE(r.out.find("musubi 2fa enrol"), std::string::npos) << r.out;
  r = admin.run({"rooms"});
  EXPECT_NE(r.exit_code(), 0);
  EXPECT_NE(r.err.find("musubi 2fa enrol"), std::string::npos) << r.describe();

  const auto enrolled = nlohmann::json::parse(admin.ok({"2fa", "enrol", "--json"}));
  const AuthenticatorApp app(enrolled.at("secret").get<std::string>());
  const auto out = admin.ok({"2fa", "confirm", app.code()});
  EXPECT_NE(out.find("two-factor sign-in is on"), std::string::npos) << out;
  // Ten codes, each on its own indented line.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 12) << out;
  admin.ok({"rooms"});

  // A fresh login asks for the code after the password (both read from stdin here).
  admin.ok({"logout"});
  r = admin.run(login, password + "\n" + app.code(1) + "\n");
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_EQ(r.out.rfind("signed in as admin (", 0), 0u) << r.out;
  admin.ok({"rooms"});

  // The console resets it (lost phone): the session ends, and the next login enrols again.
  EXPECT_EQ(server.admin({"user", "reset-2fa", "admin"}).exit_code(), 0);
  r = admin.run({"rooms"});
  EXPECT_NE(r.exit_code(), 0) << r.describe();
  r = admin.run(login, password + "\n");
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_NE(r.out.find("musubi 2fa enrol"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace musubi::testing
