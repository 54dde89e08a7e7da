// musubi login / logout, the state file, and the errors a user meets first: wrong password,
// wrong server, untrusted certificate, bad command line.
#include <fstream>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

using Account = CliTest;

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

nlohmann::json state_of(const CliUser& u) {
  return nlohmann::json::parse(read_file(u.state_file()), nullptr, false);
}

void write_state(const CliUser& u, const nlohmann::json& state) {
  std::ofstream(u.state_file()) << state.dump();
}

TEST_F(Account, LoginRemembersServerCaLoginAndTokenInPrivateFiles) {
  server().add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  const CliUser sato = user("sato");
  // A relative --ca is stored absolute, so that the CLI works from any directory afterwards.
  const auto relative_ca =
      std::filesystem::relative(server().cert_file(), std::filesystem::current_path());
  const auto r =
      sato.run({"--server", server().url(), "--ca", relative_ca.string(), "login", "sato"},
               std::string(kUserPassword) + "\n");
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_EQ(r.out, "signed in as sato (佐藤 花子)\n");

  EXPECT_EQ(mode_of(sato.home()), 0700u);
  EXPECT_EQ(mode_of(sato.state_file()), 0600u);
  const auto state = state_of(sato);
  EXPECT_EQ(state["server"], server().url());
  EXPECT_EQ(state["ca_file"], server().cert_file().string());
  EXPECT_EQ(state["insecure"], false);
  EXPECT_EQ(state["login"], "sato");
  EXPECT_TRUE(state["token"].get<std::string>().starts_with("mst_")) << state;
  // The password itself is never stored.
  EXPECT_EQ(read_file(sato.state_file()).find(kUserPassword), std::string::npos);

  // Later commands need no flags.
  EXPECT_EQ(sato.ok({"rooms"}), "");
}

TEST_F(Account, IdentitiesInDifferentHomesCoexist) {
  const auto sato = signed_in_user("sato", "佐藤 花子");
  const auto tanaka = signed_in_user("tanaka", "田中 健");
  const auto room = open_room(sato, "佐藤 一郎");
  EXPECT_NE(sato.ok({"rooms"}).find(room), std::string::npos);
  EXPECT_EQ(tanaka.ok({"rooms"}), "");
  EXPECT_EQ(state_of(sato)["login"], "sato");
  EXPECT_EQ(state_of(tanaka)["login"], "tanaka");
}

TEST_F(Account, WrongPasswordFailsWithTheServersMessageAndStoresNothing) {
  server().add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  const CliUser sato = user("sato");
  const auto r =
      sato.run({"--server", server().url(), "--ca", server().cert_file().string(), "login", "sato"},
               "not the password\n");
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_EQ(r.err, "musubi: wrong login or password\n");
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(sato.state_file()));
}

TEST_F(Account, EmptyPasswordIsAUsageError) {
  const auto r = user("sato").run(
      {"--server", server().url(), "--ca", server().cert_file().string(), "login", "sato"}, "\n");
  EXPECT_EQ(r.exit_code(), 2) << r.describe();
  EXPECT_EQ(r.err, "musubi: no password given\n");
}

TEST_F(Account, LogoutEndsTheSessionAndLaterCommandsSayToLogIn) {
  const auto sato = signed_in_user("sato", "佐藤 花子");
  const std::string token = state_of(sato)["token"];
  EXPECT_EQ(sato.ok({"logout"}), "signed out\n");
  EXPECT_EQ(state_of(sato)["token"], "");
  EXPECT_EQ(state_of(sato)["login"], "sato");  // remembered for the hint

  const auto rooms = sato.run({"rooms"});
  EXPECT_EQ(rooms.exit_code(), 1) << rooms.describe();
  EXPECT_NE(rooms.err.find("not logged in"), std::string::npos) << rooms.err;
  EXPECT_NE(rooms.err.find("login sato"), std::string::npos) << rooms.err;

  // The token is revoked on the server too, not only forgotten here.
  auto state = state_of(sato);
  state["token"] = token;
  write_state(sato, state);
  const auto revoked = sato.run({"rooms"});
  EXPECT_EQ(revoked.exit_code(), 1) << revoked.describe();
  EXPECT_NE(revoked.err.find("log in again with: musubi login sato"), std::string::npos)
      << revoked.err;
}

TEST_F(Account, InvalidTokenTellsToLogInAgain) {
  const auto sato = signed_in_user("sato", "佐藤 花子");
  auto state = state_of(sato);
  state["token"] = "mst_made-up";
  write_state(sato, state);
  const auto r = sato.run({"rooms"});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_EQ(r.err,
            "musubi: session unknown, expired or revoked; sign in again (log in again with: "
            "musubi login sato)\n");
}

TEST_F(Account, LoggingInAgainEndsThePreviousSession) {
  const auto sato = signed_in_user("sato", "佐藤 花子");
  const std::string first = state_of(sato)["token"];
  sato.login(server(), "sato", kUserPassword);
  const std::string second = state_of(sato)["token"];
  EXPECT_NE(first, second);
  auto state = state_of(sato);
  state["token"] = first;
  write_state(sato, state);
  const auto r = sato.run({"rooms"});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("log in again"), std::string::npos) << r.err;
}

TEST_F(Account, UnreachableServerGetsAHelpfulError) {
  const auto r = user("sato").run({"--server", "wss://127.0.0.1:1", "login", "sato"},
                                  std::string(kUserPassword) + "\n");
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_EQ(r.err.rfind("musubi: cannot connect to wss://127.0.0.1:1/ws: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("is musubid running there?"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--server"), std::string::npos) << r.err;
}

TEST_F(Account, SelfSignedCertificateWithoutCaIsRefusedWithAHintAboutCa) {
  server().add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  const CliUser sato = user("sato");
  const auto r =
      sato.run({"--server", server().url(), "login", "sato"}, std::string(kUserPassword) + "\n");
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("certificate verify failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--ca"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(sato.state_file()));
}

TEST_F(Account, CertificateOfAnotherServerIsRefused) {
  TempDir other_dir;
  Musubid other(other_dir.path() / "server");
  other.start();
  server().add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  const auto r = user("sato").run(
      {"--server", server().url(), "--ca", other.cert_file().string(), "login", "sato"},
      std::string(kUserPassword) + "\n");
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("cannot verify the TLS certificate"), std::string::npos) << r.err;
}

TEST_F(Account, InsecureSkipsVerificationAndIsRemembered) {
  server().add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  const CliUser sato = user("sato");
  const auto r = sato.run({"--server", server().url(), "--insecure", "login", "sato"},
                          std::string(kUserPassword) + "\n");
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_EQ(state_of(sato)["insecure"], true);
  EXPECT_EQ(state_of(sato)["ca_file"], "");
  EXPECT_EQ(sato.ok({"rooms"}), "");
}

TEST_F(Account, UsageErrorsExitWithTwo) {
  const CliUser u = user("nobody");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"room"},
           {"room", "create", "佐藤 一郎 様"},  // rooms are opened by the request workflow
           {"room", "close", "ROOM", "--reason", "bored"},
           {"patient"},
           {"patient", "register", "--name", "佐藤 一郎", "--kana", "サトウ イチロウ",
            "--birth-date", "1940-13-01", "--sex", "male", "--municipality", "柏市", "--address",
            "柏1-1"},
           {"patient", "register", "--name", "佐藤 一郎", "--kana", "サトウ イチロウ",
            "--birth-date", "1940-04-01", "--sex", "man", "--municipality", "柏市", "--address",
            "柏1-1"},
           {"patient", "consent", "PATIENT", "--date", "yesterday", "--obtained-by", "佐藤"},
           {"request"},
           {"request", "file", "PATIENT"},
           {"request", "ask-stand-in", "REQUEST"},
           {"request", "stand-in", "accept"},
           {"history"},
           {"frobnicate"},
           {"history", "ROOM", "--limit", "0"},
           {"history", "ROOM", "--limit", "many"},
           {"tail", "ROOM", "--from", "-1"},
           {"--ca", "/no/such/file.pem", "rooms"},
           {"--ca", server().cert_file().string(), "--insecure", "rooms"},
           {"--server", "https://127.0.0.1:8443", "rooms"},
       }) {
    std::string line;
    for (const auto& a : args)
      line += a + " ";
    const auto r = u.run(args);
    EXPECT_EQ(r.exit_code(), 2) << line << ": " << r.describe();
    EXPECT_EQ(r.err.rfind("musubi: ", 0), 0u) << line << ": " << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(u.state_file()));
}

TEST_F(Account, NotLoggedInSaysHowToLogIn) {
  const auto r = user("nobody").run({"rooms"});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("not logged in; log in first with: musubi"), std::string::npos) << r.err;
}

TEST_F(Account, HelpAndVersionExitWithZero) {
  const auto help = user("nobody").run({"--help"});
  EXPECT_EQ(help.exit_code(), 0) << help.describe();
  EXPECT_NE(help.out.find("tail"), std::string::npos);
  const auto version = user("nobody").run({"--version"});
  EXPECT_EQ(version.exit_code(), 0) << version.describe();
  EXPECT_EQ(version.out.rfind("musubi ", 0), 0u) << version.out;
}

}  // namespace
}  // namespace musubi::testing
