// Sign-in, resume, sign-out and lockout over real TLS WebSocket.
#include <sstream>

#include <gtest/gtest.h>

#include "server/admin_commands.hpp"
#include "storage/audit.hpp"
#include "storage/database.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

TEST(Session, WelcomeAnnouncesProtocolAndLimits) {
  TestServer server;
  auto c = server.connect();
  EXPECT_EQ(c->welcome()["protocol"], "musubi.v1");
  EXPECT_EQ(c->welcome()["limits"]["max_frame_bytes"], server.config().limits.max_frame_bytes);
}

TEST(Session, SignInWithRightPasswordGivesToken) {
  TestServer server;
  server.add_user("tanaka", "田中 看護師");
  auto c = server.connect();
  auto result = ok(c->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}}));
  EXPECT_TRUE(result["token"].get<std::string>().starts_with("mst_"));
  EXPECT_EQ(result["user"]["name"], "田中 看護師");
  ok(c->request("room.list", nlohmann::json::object()));
}

TEST(Session, WrongPasswordAndUnknownLoginGetTheSameError) {
  TestServer server;
  server.add_user("tanaka");
  auto c = server.connect();
  auto wrong = c->request("session.sign_in", {{"login", "tanaka"}, {"password", "nope-nope"}});
  auto unknown = c->request("session.sign_in", {{"login", "ghost"}, {"password", "nope-nope"}});
  expect_error(wrong, "invalid_credentials");
  expect_error(unknown, "invalid_credentials");
  EXPECT_EQ(wrong.error_message, unknown.error_message);
  expect_error(c->request("room.list", nlohmann::json::object()), "unauthenticated");
}

TEST(Session, RepeatedFailuresLockTheLoginEvenForTheRightPassword) {
  TestServer server([](server::ServerConfig& c) {
    c.limits.max_failed_signins = 3;
    c.limits.lockout_seconds = 60;
  });
  server.add_user("tanaka");
  auto c = server.connect();
  for (int i = 0; i < 2; ++i) {
    expect_error(c->request("session.sign_in", {{"login", "tanaka"}, {"password", "wrong-pw"}}),
                 "invalid_credentials");
  }
  expect_error(c->request("session.sign_in", {{"login", "tanaka"}, {"password", "wrong-pw"}}),
               "locked_out");
  expect_error(c->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}}),
               "locked_out");
  // Another login is not affected.
  server.add_user("sato");
  ok(c->request("session.sign_in", {{"login", "sato"}, {"password", kPassword}}));
}

TEST(Session, NoAttemptInFlightGetsPastALockTheOthersSet) {
  TestServer server([](server::ServerConfig& c) {
    c.limits.max_failed_signins = 2;
    c.limits.lockout_seconds = 60;
    c.limits.max_failed_signins_per_address = 100;
  });
  server.add_user("tanaka");
  // Every attempt is on its way before any failure is recorded: each one's lookup sees no lock.
  std::vector<std::unique_ptr<client::ClientConnection>> clients;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(server.connect());
    const auto* password = i < 4 ? "wrong-pw" : kPassword;
    ids.push_back(clients.back()->send_request("session.sign_in",
                                               {{"login", "tanaka"}, {"password", password}}));
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    ASSERT_TRUE(clients[i]->reply_to(ids[i], std::chrono::seconds(30))) << i;
  }
  // In the order the writer recorded them: once two failures lock the login, nothing signs in.
  storage::Database db(server.config().database_path(), storage::OpenMode::read_only);
  storage::AuditQuery query;
  query.newest_first = false;
  query.limit = 1000;
  int failures = 0;
  for (const auto& e : storage::list_audit(db, query)) {
    if (e.action == "sign_in.failed") ++failures;
    if (e.action == "sign_in") {
      EXPECT_LT(failures, 2) << "signed in after the lock";
    }
  }
  EXPECT_GE(failures, 2);
}

TEST(Session, FailuresAcrossManyLoginsSlowDownTheirAddress) {
  TestServer server([](server::ServerConfig& c) {
    c.limits.max_failed_signins_per_address = 3;
    c.limits.max_address_wait_seconds = 60;
  });
  server.add_user("tanaka");
  auto c = server.connect();
  // One failure each, far below any login's own lockout.
  for (const char* login : {"ghost1", "ghost2", "ghost3"}) {
    expect_error(c->request("session.sign_in", {{"login", login}, {"password", "guess-guess"}}),
                 "invalid_credentials");
  }
  const auto refused =
      c->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}});
  expect_error(refused, "locked_out");
  EXPECT_NE(refused.error_message.find("from this address"), std::string::npos)
      << refused.error_message;
  // A new connection from the same address waits as well.
  auto c2 = server.connect();
  expect_error(c2->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}}),
               "locked_out");
}

TEST(Session, TokenResumesOnANewConnectionAndAfterRestart) {
  TestServer server;
  server.add_user("tanaka");
  std::string token;
  {
    auto c = server.connect();
    token =
        ok(c->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}}))["token"];
  }
  auto c2 = server.connect();
  EXPECT_EQ(ok(c2->request("session.resume", {{"token", token}}))["user"]["login"], "tanaka");
  server.restart();
  auto c3 = server.connect();
  ok(c3->request("session.resume", {{"token", token}}));
  ok(c3->request("room.list", nlohmann::json::object()));
}

TEST(Session, UnknownTokenIsRefused) {
  TestServer server;
  auto c = server.connect();
  expect_error(c->request("session.resume", {{"token", "mst_not-a-real-token"}}), "invalid_token");
}

TEST(Session, SignOutRevokesTheTokenAndClosesItsOtherConnections) {
  TestServer server;
  server.add_user("tanaka");
  auto a = server.connect();
  const std::string token =
      ok(a->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}}))["token"];
  auto b = server.connect();
  ok(b->request("session.resume", {{"token", token}}));
  ok(a->request("session.sign_out", nlohmann::json::object()));
  // The signing-out connection stays open but is signed out.
  expect_error(a->request("room.list", nlohmann::json::object()), "unauthenticated");
  // The other connection of the same session is closed.
  const auto closed = b->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 4002);
  auto c = server.connect();
  expect_error(c->request("session.resume", {{"token", token}}), "invalid_token");
}

TEST(Session, ARevocationFromTheConsoleEndsOnlyTheSessionsSignedInBeforeIt) {
  // A poll interval long enough that the new sign-in is (almost always) served before the server
  // has read the revocation, which is the order that used to close the new connection too.
  TestServer server{[](server::ServerConfig& c) { c.timeouts.revocation_poll_ms = 300; }};
  server.add_user("tanaka");
  auto before = server.sign_in("tanaka");
  std::ostringstream out, err;
  ASSERT_EQ(server::user_revoke_sessions(server.config(), "tanaka", out, err), 0) << err.str();
  auto after = server.sign_in("tanaka");

  const auto closed = before->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 4002);
  // The watcher has applied the revocation; the session signed in after it is still served.
  ok(after->request("room.list", nlohmann::json::object()));
}

}  // namespace
}  // namespace musubi::testing
