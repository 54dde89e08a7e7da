// Two-factor sign-in at the command line, with the city's default policy (administrators must
// have it): login, 2fa enrol and confirm, login with the code, and the console's reset.
#include <algorithm>
#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/totp.hpp"
#include "tests/cli/cli_user.hpp"
#include "tests/cli/musubid_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::testing {
namespace {

std::vector<unsigned char> from_base32(const std::string& text) {
  std::vector<unsigned char> out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    buffer = (buffer << 5) | static_cast<unsigned>(c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<unsigned char>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  return out;
}

std::int64_t current_step() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return server::totp::step_at(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

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
  const auto secret = from_base32(enrolled.at("secret").get<std::string>());
  const auto step = current_step();
  const auto out = admin.ok({"2fa", "confirm", server::totp::code_at(secret, step)});
  EXPECT_NE(out.find("two-factor sign-in is on"), std::string::npos) << out;
  // Ten codes, each on its own indented line.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 12) << out;
  admin.ok({"rooms"});

  // A fresh login asks for the code after the password (both read from stdin here).
  admin.ok({"logout"});
  r = admin.run(login, password + "\n" + server::totp::code_at(secret, step + 1) + "\n");
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
