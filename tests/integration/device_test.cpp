// Remembered devices over real TLS WebSocket: session.devices, session.revoke,
// user.revoke_sessions, shared devices ("remember": false) and the audit of a token used from a
// new address.
#include <gtest/gtest.h>

#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "storage/database.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

struct Device {
  std::unique_ptr<client::ClientConnection> connection;
  std::string token;
  std::int64_t session = 0;  // from session.devices
};

class Devices : public ::testing::Test {
 protected:
  Devices() {
    server.add_user("tanaka", "田中 看護師");
    server.add_user("sato", "佐藤 看護師");
    server.add_user("clinic.contact", "診療所 担当", "nurse", TestServer::kClinic, "org_contact");
  }

  // Signs `login` in on a new connection from `local_address` (empty: the default).
  Device sign_in(const std::string& login, const std::string& device, bool remember = true,
                 const std::string& local_address = "") {
    auto options = server.connect_options();
    options.local_address = local_address;
    Device d{client::ClientConnection::connect(options), "", 0};
    const auto result = ok(d.connection->request(
        "session.sign_in",
        {{"login", login}, {"password", kPassword}, {"device", device}, {"remember", remember}}));
    d.token = result.value("token", "");
    for (const auto& s : devices(*d.connection)) {
      if (s["current"] == true) d.session = s["session"].get<std::int64_t>();
    }
    EXPECT_GT(d.session, 0);
    return d;
  }

  json devices(client::ClientConnection& c) {
    return ok(c.request("session.devices", json::object()))["devices"];
  }

  // The audit log's "action detail" lines whose action starts with `prefix`.
  std::vector<std::string> audit(const std::string& prefix) {
    storage::Database db(server.config().database_path(), storage::OpenMode::read_only);
    auto& st = db.prepare("SELECT action, detail FROM audit ORDER BY id");
    std::vector<std::string> lines;
    while (st.step()) {
      if (st.text(0).starts_with(prefix)) lines.push_back(st.text(0) + " " + st.text(1));
    }
    return lines;
  }

  TestServer server;
};

TEST_F(Devices, ListsTheCallersOwnLiveSessionsAndMarksTheCurrentOne) {
  auto ipad = sign_in("tanaka", "iPad (訪問用)");
  auto pc = sign_in("tanaka", "事務所PC");
  auto other = sign_in("sato", "佐藤のiPhone");
  auto signed_out = sign_in("tanaka", "old phone");
  ok(signed_out.connection->request("session.sign_out", json::object()));

  const auto listed = devices(*ipad.connection);
  ASSERT_EQ(listed.size(), 2u) << listed.dump();
  // Most recently used first: the PC signed in last.
  EXPECT_EQ(listed[0]["device"], "事務所PC");
  EXPECT_EQ(listed[0]["current"], false);
  EXPECT_EQ(listed[1]["device"], "iPad (訪問用)");
  EXPECT_EQ(listed[1]["current"], true);
  EXPECT_EQ(listed[1]["session"], ipad.session);
  for (const auto& d : listed) {
    EXPECT_EQ(d["address"], "127.0.0.1");
    EXPECT_EQ(d["remembered"], true);
    EXPECT_TRUE(protocol::parse_timestamp(d["created"].get<std::string>()));
    EXPECT_TRUE(protocol::parse_timestamp(d["last_used"].get<std::string>()));
    EXPECT_TRUE(protocol::parse_timestamp(d["expires"].get<std::string>()));
  }
  // Tokens never leave the server after sign-in.
  EXPECT_EQ(listed.dump().find("mst_"), std::string::npos);
  // The other connection sees the same sessions, with itself as the current one.
  const auto from_pc = devices(*pc.connection);
  ASSERT_EQ(from_pc.size(), 2u);
  EXPECT_EQ(from_pc[0]["current"], true);
  EXPECT_EQ(from_pc[0]["session"], pc.session);
  EXPECT_EQ(devices(*other.connection).size(), 1u);
}

TEST_F(Devices, RevokingAnotherDeviceClosesItsConnectionsAndItsToken) {
  auto ipad = sign_in("tanaka", "iPad");
  auto phone = sign_in("tanaka", "lost phone");
  auto phone_again = server.connect();  // a second connection of the same session
  ok(phone_again->request("session.resume", {{"token", phone.token}}));

  EXPECT_EQ(ok(ipad.connection->request("session.revoke", {{"session", phone.session}})),
            (json{{"session", phone.session}, {"current", false}}));
  for (auto* c : {phone.connection.get(), phone_again.get()}) {
    const auto closed = c->wait_closed(kWait);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->code, 4002);
  }
  auto c = server.connect();
  expect_error(c->request("session.resume", {{"token", phone.token}}), "invalid_token");
  // The revoking device is untouched, and the revoked one is gone from the list.
  const auto listed = devices(*ipad.connection);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["session"], ipad.session);
  EXPECT_EQ(audit("session.revoke"),
            (std::vector<std::string>{"session.revoke session=" + std::to_string(phone.session) +
                                      " peer=127.0.0.1"}));
  // Revoked already: nothing more to revoke.
  expect_error(ipad.connection->request("session.revoke", {{"session", phone.session}}),
               "not_found");
}

TEST_F(Devices, RevokingTheCurrentSessionSignsThisConnectionOut) {
  auto pc = sign_in("tanaka", "PC");
  auto same_session = server.connect();
  ok(same_session->request("session.resume", {{"token", pc.token}}));
  EXPECT_EQ(ok(pc.connection->request("session.revoke", {{"session", pc.session}})),
            (json{{"session", pc.session}, {"current", true}}));
  // This connection stays open, signed out; the session's other connection is closed.
  expect_error(pc.connection->request("room.list", json::object()), "unauthenticated");
  EXPECT_FALSE(pc.connection->closed());
  const auto closed = same_session->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 4002);
  expect_error(pc.connection->request("session.resume", {{"token", pc.token}}), "invalid_token");
}

TEST_F(Devices, AnotherUsersSessionIsNotFoundLikeOneThatDoesNotExist) {
  auto tanaka = sign_in("tanaka", "iPad");
  auto sato = sign_in("sato", "iPhone");
  const auto theirs = sato.connection->request("session.revoke", {{"session", tanaka.session}});
  const auto none = sato.connection->request("session.revoke", {{"session", 999999}});
  expect_error(theirs, "not_found");
  expect_error(none, "not_found");
  EXPECT_EQ(theirs.error_message, none.error_message);
  // Nothing happened to tanaka's session.
  ok(tanaka.connection->request("room.list", json::object()));
  EXPECT_FALSE(tanaka.connection->closed());
  EXPECT_EQ(devices(*tanaka.connection).size(), 1u);
  EXPECT_TRUE(audit("session.revoke").empty());
}

TEST_F(Devices, BadRequestsGetClearErrors) {
  auto tanaka = sign_in("tanaka", "iPad");
  const auto as_text = tanaka.connection->request("session.revoke", {{"session", "1"}});
  expect_error(as_text, "invalid_request");
  EXPECT_EQ(as_text.error_message, "body.session: expected an integer");
  const auto missing = tanaka.connection->request("session.revoke", json::object());
  expect_error(missing, "invalid_request");
  EXPECT_EQ(missing.error_message, "body.session: required");
  expect_error(tanaka.connection->request("session.revoke", {{"session", 0}}), "invalid_request");
  auto c = server.connect();
  expect_error(c->request("session.devices", json::object()), "unauthenticated");
  expect_error(c->request("session.revoke", {{"session", tanaka.session}}), "unauthenticated");
  const auto remember = c->request(
      "session.sign_in", {{"login", "tanaka"}, {"password", kPassword}, {"remember", "no"}});
  expect_error(remember, "invalid_request");
  EXPECT_EQ(remember.error_message, "body.remember: expected true or false");
}

TEST_F(Devices, AdministratorRevokesEveryDeviceOfAUserWhoStaysEnabled) {
  auto ipad = sign_in("tanaka", "iPad");
  auto phone = sign_in("tanaka", "iPhone");
  auto sato = sign_in("sato", "iPhone");
  auto admin = server.sign_in("admin", server.admin_password());

  EXPECT_EQ(ok(admin->request("user.revoke_sessions", {{"login", "tanaka"}})),
            (json{{"login", "tanaka"}, {"sessions_revoked", 2}}));
  for (auto* c : {ipad.connection.get(), phone.connection.get()}) {
    const auto closed = c->wait_closed(kWait);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->code, 4002);
  }
  ok(sato.connection->request("room.list", json::object()));
  auto c = server.connect();
  expect_error(c->request("session.resume", {{"token", ipad.token}}), "invalid_token");
  // The account still works with its password.
  ok(c->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}}));
  EXPECT_EQ(audit("user.revoke_sessions"),
            (std::vector<std::string>{"user.revoke_sessions user=tanaka sessions=2"}));
  expect_error(admin->request("user.revoke_sessions", {{"login", "ghost"}}), "not_found");
}

TEST_F(Devices, OnlyThoseWhoManageAUserRevokeTheirSessions) {
  auto tanaka = sign_in("tanaka", "iPad");
  auto sato = sign_in("sato", "iPhone");
  auto contact = server.sign_in("clinic.contact");
  // A member manages nobody; a contact only their own organization's users.
  expect_error(sato.connection->request("user.revoke_sessions", {{"login", "tanaka"}}),
               "forbidden");
  expect_error(contact->request("user.revoke_sessions", {{"login", "tanaka"}}), "forbidden");
  expect_error(sato.connection->request("user.revoke_sessions", {{"login", 5}}), "invalid_request");
  ok(tanaka.connection->request("room.list", json::object()));
  EXPECT_FALSE(tanaka.connection->closed());
  EXPECT_TRUE(audit("user.revoke_sessions").empty());
}

TEST_F(Devices, TokenUsedFromANewAddressIsAudited) {
  auto ipad = sign_in("tanaka", "iPad");  // from 127.0.0.1
  auto same_place = server.connect();
  ok(same_place->request("session.resume", {{"token", ipad.token}}));
  EXPECT_TRUE(audit("session.new_address").empty());

  auto options = server.connect_options();
  options.local_address = "127.0.0.2";
  auto elsewhere = client::ClientConnection::connect(options);
  ok(elsewhere->request("session.resume", {{"token", ipad.token}}));
  const auto entries = audit("session.new_address");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0], "session.new_address session=" + std::to_string(ipad.session) +
                            " peer=127.0.0.2 previous=127.0.0.1");
  EXPECT_EQ(entries[0].find(ipad.token), std::string::npos);
  EXPECT_EQ(devices(*ipad.connection)[0]["address"], "127.0.0.2");
}

TEST_F(Devices, SharedDeviceSessionSlidesByTheShortIdleTime) {
  auto station = sign_in("tanaka", "ナースステーションPC", false);
  const auto listed = devices(*station.connection);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["remembered"], false);
  const auto idle_ms = server.config().security.shared_device_idle_minutes * 60 * 1000;
  const auto expiry_after_use = [&](const json& result) {
    return *protocol::parse_timestamp(result["expires"].get<std::string>()) -
           musubi::server::now_ms();
  };
  EXPECT_LE(expiry_after_use(listed[0]), idle_ms);
  EXPECT_GT(expiry_after_use(listed[0]), idle_ms - 60'000);
  // A resume slides it by the short lifetime again, not by token_ttl_days.
  auto c = server.connect();
  const auto resumed = ok(c->request("session.resume", {{"token", station.token}}));
  EXPECT_LE(expiry_after_use(resumed), idle_ms);
  EXPECT_GT(expiry_after_use(resumed), idle_ms - 60'000);

  auto phone = sign_in("tanaka", "iPhone");
  const auto remembered_ms = server.config().security.token_ttl_days * 24 * 3600 * 1000;
  EXPECT_GT(expiry_after_use(devices(*phone.connection)[0]), remembered_ms - 60'000);
}

}  // namespace
}  // namespace musubi::testing
