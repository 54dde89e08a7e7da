// Two-factor sign-in over real TLS WebSocket: enrolment, sign-in with a TOTP code or a recovery
// code, each code once, the per-role policy and its enrolment-only session, and the reset.
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "clients/client/https_request.hpp"
#include "server/admin_commands.hpp"
#include "storage/audit.hpp"
#include "storage/database.hpp"
#include "tests/support/authenticator_app.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

json sign_in_body(const std::string& login, std::optional<std::string> otp = std::nullopt) {
  json body{{"login", login}, {"password", kPassword}, {"device", "test"}};
  if (otp) body["otp"] = *otp;
  return body;
}

// Enrols the signed-in user of `c`; returns the app and the recovery codes.
std::pair<AuthenticatorApp, std::vector<std::string>> enrol(client::ClientConnection& c) {
  const auto started = ok(c.request("account.totp_enroll", json::object()));
  AuthenticatorApp app(started["secret"].get<std::string>());
  const auto confirmed = ok(c.request("account.totp_confirm", {{"code", app.code()}}));
  return {app, confirmed["recovery_codes"].get<std::vector<std::string>>()};
}

std::int64_t audited(TestServer& server, const std::string& action,
                     const std::string& detail_part = "") {
  storage::Database db(server.config().database_path(), storage::OpenMode::read_only);
  storage::AuditQuery query;
  query.action = action;
  query.limit = 200;
  std::int64_t n = 0;
  for (const auto& e : storage::list_audit(db, query)) {
    if (e.action == action && e.detail.find(detail_part) != std::string::npos) ++n;
  }
  return n;
}

TEST(TwoFactor, EnrolmentShowsTheSecretAndWaitsForItsFirstCode) {
  TestServer server;
  server.add_user("tanaka", "田中 看護師");
  auto c = server.sign_in("tanaka");
  const auto started = ok(c->request("account.totp_enroll", json::object()));
  const auto secret = started["secret"].get<std::string>();
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(started["uri"].get<std::string>(),
            "otpauth://totp/musubi%20%E6%9F%8F%E5%B8%82:tanaka?secret=" + secret +
                "&issuer=musubi%20%E6%9F%8F%E5%B8%82&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(started["digits"], 6);
  EXPECT_EQ(started["period"], 30);

  // Until confirmed, the password alone still signs in.
  auto other = server.connect();
  EXPECT_EQ(ok(other->request("session.sign_in", sign_in_body("tanaka")))["two_factor"], "off");

  const AuthenticatorApp app(secret);
  const auto wrong = app.code() == "000000" ? "111111" : "000000";
  expect_error(c->request("account.totp_confirm", {{"code", wrong}}), "invalid_credentials");
  const auto confirmed = ok(c->request("account.totp_confirm", {{"code", app.code()}}));
  const auto codes = confirmed["recovery_codes"].get<std::vector<std::string>>();
  ASSERT_EQ(codes.size(), 10u);
  for (const auto& code : codes)
    EXPECT_EQ(code.size(), 11u) << code;
  EXPECT_EQ(audited(server, "two_factor.enabled"), 1);

  expect_error(c->request("account.totp_enroll", json::object()), "invalid_state");
  expect_error(c->request("account.totp_confirm", {{"code", app.code(1)}}), "invalid_state");
}

TEST(TwoFactor, SignInAsksForTheCodeAndTakesEachCodeOnce) {
  TestServer server;
  server.add_user("tanaka", "田中 看護師");
  auto first = server.sign_in("tanaka");
  const auto [app, codes] = enrol(*first);

  auto c = server.connect();
  const auto asked = c->request("session.sign_in", sign_in_body("tanaka"));
  expect_error(asked, "second_factor_required");
  expect_error(c->request("session.sign_in", sign_in_body("tanaka", "12345")),
               "invalid_credentials");
  // The confirming code was used: it does not work again, nor does an earlier step's.
  expect_error(c->request("session.sign_in", sign_in_body("tanaka", app.code())),
               "invalid_credentials");
  expect_error(c->request("session.sign_in", sign_in_body("tanaka", app.code(-1))),
               "invalid_credentials");
  // A wrong password with a right code says nothing about the code.
  auto wrong_password = sign_in_body("tanaka", app.code(1));
  wrong_password["password"] = "not the password";
  const auto refused = c->request("session.sign_in", wrong_password);
  expect_error(refused, "invalid_credentials");
  EXPECT_EQ(refused.error_message, "wrong login or password");

  const auto next = app.code(1);
  const auto signed_in = ok(c->request("session.sign_in", sign_in_body("tanaka", next)));
  EXPECT_EQ(signed_in["two_factor"], "on");
  ok(c->request("room.list", json::object()));
  auto replay = server.connect();
  const auto replayed = replay->request("session.sign_in", sign_in_body("tanaka", next));
  expect_error(replayed, "invalid_credentials");
  EXPECT_EQ(replayed.error_message, "wrong one-time code");

  // Resuming a remembered device needs no code.
  auto resumed = server.connect();
  EXPECT_EQ(ok(resumed->request("session.resume", {{"token", signed_in["token"]}}))["two_factor"],
            "on");
  EXPECT_EQ(audited(server, "sign_in", "second_factor=totp"), 1);
  EXPECT_GE(audited(server, "sign_in.failed", "second_factor=rejected"), 3);
}

TEST(TwoFactor, RecoveryCodeWorksOnceWhateverItsCaseAndSeparators) {
  TestServer server;
  server.add_user("tanaka", "田中 看護師");
  auto first = server.sign_in("tanaka");
  const auto [app, codes] = enrol(*first);

  std::string typed = codes[3];
  typed.erase(typed.find('-'), 1);
  for (auto& ch : typed)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  typed.insert(5, " ");
  auto c = server.connect();
  ok(c->request("session.sign_in", sign_in_body("tanaka", typed)));
  auto again = server.connect();
  expect_error(again->request("session.sign_in", sign_in_body("tanaka", codes[3])),
               "invalid_credentials");
  ok(again->request("session.sign_in", sign_in_body("tanaka", codes[4])));
  EXPECT_EQ(audited(server, "sign_in", "second_factor=recovery_code left=8"), 1);

  // New codes replace the old ones; a recovery code cannot mint them.
  expect_error(c->request("account.recovery_codes", {{"code", codes[5]}}), "invalid_credentials");
  const auto renewed = ok(c->request("account.recovery_codes", {{"code", app.code(1)}}));
  const auto fresh = renewed["recovery_codes"].get<std::vector<std::string>>();
  auto late = server.connect();
  expect_error(late->request("session.sign_in", sign_in_body("tanaka", codes[6])),
               "invalid_credentials");
  ok(late->request("session.sign_in", sign_in_body("tanaka", fresh[0])));
}

TEST(TwoFactor, WrongCodesCountTowardsTheLockout) {
  TestServer server([](server::ServerConfig& c) {
    c.limits.max_failed_signins = 3;
    c.limits.lockout_seconds = 60;
  });
  server.add_user("tanaka");
  auto first = server.sign_in("tanaka");
  const auto [app, codes] = enrol(*first);
  auto c = server.connect();
  // Asking for the code is not a failure.
  for (int i = 0; i < 5; ++i)
    expect_error(c->request("session.sign_in", sign_in_body("tanaka")), "second_factor_required");
  expect_error(c->request("session.sign_in", sign_in_body("tanaka", "000000x")),
               "invalid_credentials");
  expect_error(c->request("session.sign_in", sign_in_body("tanaka", "ABCDE-FGHIJ")),
               "invalid_credentials");
  expect_error(c->request("session.sign_in", sign_in_body("tanaka", "999999a")), "locked_out");
  expect_error(c->request("session.sign_in", sign_in_body("tanaka", app.code(1))), "locked_out");
}

TEST(TwoFactor, MemberMayTurnItOffWithACode) {
  TestServer server;
  server.add_user("tanaka");
  auto c = server.sign_in("tanaka");
  expect_error(c->request("account.totp_disable", {{"code", "123456"}}), "invalid_state");
  const auto [app, codes] = enrol(*c);
  expect_error(c->request("account.totp_disable", {{"code", "000000x"}}), "invalid_credentials");
  expect_error(c->request("account.totp_disable", {}), "invalid_request");
  expect_error(c->request("account.totp_disable", {{"code", 123456}}), "invalid_request");
  ok(c->request("account.totp_disable", {{"code", codes[0]}}));
  auto later = server.connect();
  EXPECT_EQ(ok(later->request("session.sign_in", sign_in_body("tanaka")))["two_factor"], "off");
  EXPECT_EQ(audited(server, "two_factor.disabled"), 1);
}

class RequiredForAdministrators : public ::testing::Test {
 protected:
  TestServer server{[](server::ServerConfig& c) { c.security.two_factor_roles = {"city_admin"}; }};

  std::unique_ptr<client::ClientConnection> admin() const {
    auto c = server.connect();
    const auto result = ok(c->request(
        "session.sign_in",
        {{"login", "admin"}, {"password", server.admin_password()}, {"device", "test"}}));
    EXPECT_EQ(result["two_factor"], "enrolment_required");
    EXPECT_TRUE(result["announcements"].empty());
    token = result["token"].get<std::string>();
    return c;
  }
  mutable std::string token;
};

TEST_F(RequiredForAdministrators, UnenrolledSessionMayOnlyEnrol) {
  auto c = admin();
  const auto refused = c->request("stats.summary", json::object());
  expect_error(refused, "enrolment_required");
  expect_error(c->request("user.list", json::object()), "enrolment_required");
  expect_error(c->request("audit.list", json::object()), "enrolment_required");
  ok(c->request("meta.vocabulary", json::object()));

  // Resuming the session does not get round it.
  auto resumed = server.connect();
  EXPECT_EQ(ok(resumed->request("session.resume", {{"token", token}}))["two_factor"],
            "enrolment_required");
  expect_error(resumed->request("user.list", json::object()), "enrolment_required");

  // Nor does HTTP: no file is reachable with that token.
  client::HttpsRequest download;
  download.target = "/attachments/abcdefghijkl";
  download.headers.push_back(client::bearer(token));
  const auto res = client::https_request(server.connect_options(), download);
  EXPECT_EQ(res.status, 403);
  EXPECT_NE(res.body.find("enrolment_required"), std::string::npos) << res.body;

  // A member is not held up by the administrators' policy.
  server.add_user("tanaka");
  auto member = server.connect();
  EXPECT_EQ(ok(member->request("session.sign_in", sign_in_body("tanaka")))["two_factor"], "off");

  // Once enrolled, the same connection is served in full.
  const auto [app, codes] = enrol(*c);
  ok(c->request("user.list", json::object()));
  ok(resumed->request("session.sign_out", json::object()));
}

TEST_F(RequiredForAdministrators, AdministratorCannotTurnItOffButTheConsoleCanResetIt) {
  auto c = admin();
  const auto [app, codes] = enrol(*c);
  expect_error(c->request("account.totp_disable", {{"code", app.code(1)}}), "forbidden");

  // Lost phone: `musubid user reset-2fa` turns it off and ends every session.
  std::ostringstream out, err;
  ASSERT_EQ(server::user_reset_two_factor(server.config(), "admin", out, err), 0) << err.str();
  EXPECT_EQ(audited(server, "user.reset_two_factor", "user=admin"), 1);
  auto resumed = server.connect();
  expect_error(resumed->request("session.resume", {{"token", token}}), "invalid_token");
  // The next sign-in enrols again, with the password alone.
  auto again = admin();
  expect_error(again->request("user.list", json::object()), "enrolment_required");

  EXPECT_EQ(server::user_reset_two_factor(server.config(), "nobody", out, err), 1);
}

}  // namespace
}  // namespace musubi::testing
