// City announcements (「柏市からの重要連絡」) over real TLS WebSocket: posted by a city
// administrator, delivered live, shown unread at sign-in and resume, marked read, counted.
#include <gtest/gtest.h>

#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

class Announcements : public ::testing::Test {
 protected:
  void SetUp() override {
    server.add_user("tanaka", "田中 看護師");
    server.add_user("sato", "佐藤 看護師");
    admin = server.sign_in("admin", server.admin_password());
  }

  // Signs in on a new connection; returns the sign-in result.
  json sign_in(const std::string& login, std::unique_ptr<client::ClientConnection>& into) {
    into = server.connect();
    return ok(into->request("session.sign_in",
                            {{"login", login}, {"password", kPassword}, {"device", "test"}}));
  }

  json post(const std::string& title, const std::string& body) {
    return ok(admin->request("announcement.post", {{"title", title}, {"body", body}}));
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> admin;
};

TEST_F(Announcements, OnlineUserGetsItLiveAndOfflineUserFindsItUnreadAtSignIn) {
  std::unique_ptr<client::ClientConnection> tanaka, sato;
  EXPECT_EQ(sign_in("tanaka", tanaka)["announcements"], json::array());

  const auto posted = post("個人情報保護研修のお知らせ",
                           "1月14日から27日まで、e-ラーニングで実施します。\n受講をお願いします。");
  const auto id = posted["id"].get<std::int64_t>();
  EXPECT_GT(id, 0);
  EXPECT_EQ(posted["title"], "個人情報保護研修のお知らせ");
  EXPECT_EQ(posted["author"], (json{{"login", "admin"}, {"name", "管理者 (Administrator)"}}));
  EXPECT_TRUE(posted["posted"].is_string());
  EXPECT_EQ(posted["recipient_count"], 4);  // admin, test.dr, tanaka, sato

  // Live, to the user who is online.
  const auto live = next_event_named(*tanaka, "announcement");
  ASSERT_FALSE(live.is_null());
  EXPECT_EQ(live["id"], id);
  EXPECT_EQ(live["title"], "個人情報保護研修のお知らせ");
  EXPECT_EQ(live["body"], "1月14日から27日まで、e-ラーニングで実施します。\n受講をお願いします。");
  EXPECT_EQ(live["posted"], posted["posted"]);
  EXPECT_EQ(live["author"]["login"], "admin");

  // At sign-in, to the user who was not.
  const auto at_sign_in = sign_in("sato", sato)["announcements"];
  ASSERT_EQ(at_sign_in.size(), 1u);
  EXPECT_EQ(at_sign_in[0], live);

  // Marked read: gone from the next sign-in, still listed, flagged read.
  const auto marked = ok(sato->request("announcement.mark_read", {{"ids", {id}}}));
  EXPECT_EQ(marked["marked"], 1);
  EXPECT_EQ(marked["unread"], 0);
  EXPECT_EQ(ok(sato->request("announcement.mark_read", {{"ids", {id}}}))["marked"], 0);  // again
  const auto list = ok(sato->request("announcement.list", json::object()))["announcements"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["read"], true);
  EXPECT_FALSE(list[0].contains("read_count"));  // the administrator's view only
  EXPECT_TRUE(
      ok(sato->request("announcement.list", {{"unread_only", true}}))["announcements"].empty());
  std::unique_ptr<client::ClientConnection> sato_again;
  EXPECT_EQ(sign_in("sato", sato_again)["announcements"], json::array());
}

TEST_F(Announcements, ResumeCarriesTheUnreadOnesToo) {
  std::unique_ptr<client::ClientConnection> first;
  const auto token = sign_in("tanaka", first)["token"].get<std::string>();
  first->close();
  const auto older = post("研修のお知らせ", "本文")["id"];
  const auto newer = post("明日から研修です", "本文")["id"];

  auto c = server.connect();
  auto unread = ok(c->request("session.resume", {{"token", token}}))["announcements"];
  ASSERT_EQ(unread.size(), 2u);
  EXPECT_EQ(unread[0]["id"], newer);  // newest first
  EXPECT_EQ(unread[1]["id"], older);

  ok(c->request("announcement.mark_read", {{"ids", {newer}}}));
  auto again = server.connect();
  unread = ok(again->request("session.resume", {{"token", token}}))["announcements"];
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(unread[0]["id"], older);
}

TEST_F(Announcements, AdministratorSeesHowManyReadEach) {
  const auto first = post("研修のお知らせ", "本文")["id"];
  const auto second = post("研修は明日まで", "本文")["id"];
  std::unique_ptr<client::ClientConnection> tanaka, sato;
  sign_in("tanaka", tanaka);
  sign_in("sato", sato);
  ok(tanaka->request("announcement.mark_read", {{"ids", {first, second}}}));
  ok(sato->request("announcement.mark_read", {{"ids", {first}}}));

  const auto list = ok(admin->request("announcement.list", json::object()))["announcements"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], second);
  EXPECT_EQ(list[0]["read_count"], 1);
  EXPECT_EQ(list[0]["recipient_count"], 4);
  EXPECT_EQ(list[0]["read"], false);  // the administrator's own flag
  EXPECT_EQ(list[1]["id"], first);
  EXPECT_EQ(list[1]["read_count"], 2);
  EXPECT_EQ(list[1]["recipient_count"], 4);
}

TEST_F(Announcements, OnlyCityAdministratorsPost) {
  server.add_user("contact", "担当者", "nurse", TestServer::kVisitingNursing, "org_contact");
  auto tanaka = server.sign_in("tanaka");
  auto contact = server.sign_in("contact");
  for (auto* c : {tanaka.get(), contact.get()}) {
    const auto reply = c->request("announcement.post", {{"title", "t"}, {"body", "b"}});
    expect_error(reply, "forbidden");
  }
  EXPECT_TRUE(ok(tanaka->request("announcement.list", json::object()))["announcements"].empty());
}

TEST_F(Announcements, BodiesAreChecked) {
  expect_error(admin->request("announcement.post", {{"body", "b"}}), "invalid_request");
  expect_error(admin->request("announcement.post", {{"title", ""}, {"body", "b"}}),
               "invalid_request");
  expect_error(admin->request("announcement.post", {{"title", "二行の\n題名"}, {"body", "b"}}),
               "invalid_request");
  expect_error(
      admin->request("announcement.post", {{"title", std::string(201, 'x')}, {"body", "b"}}),
      "too_large");
  expect_error(
      admin->request("announcement.post", {{"title", "t"}, {"body", std::string(5001, 'x')}}),
      "too_large");
  // At the limits, in characters (not bytes).
  std::string title, body;
  for (int i = 0; i < 200; ++i)
    title += "連";
  for (int i = 0; i < 5000; ++i)
    body += "絡";
  ok(admin->request("announcement.post", {{"title", title}, {"body", body}}));

  expect_error(admin->request("announcement.list", {{"unread_only", "yes"}}), "invalid_request");
  expect_error(admin->request("announcement.mark_read", json::object()), "invalid_request");
  expect_error(admin->request("announcement.mark_read", {{"ids", {"1"}}}), "invalid_request");
  expect_error(admin->request("announcement.mark_read", {{"ids", {0}}}), "invalid_request");
}

TEST_F(Announcements, UnknownIdsAreNotFoundAndNothingIsMarked) {
  const auto id = post("t", "b")["id"].get<std::int64_t>();
  auto tanaka = server.sign_in("tanaka");
  const auto reply = tanaka->request("announcement.mark_read", {{"ids", {id, id + 100}}});
  expect_error(reply, "not_found");
  EXPECT_EQ(reply.error_message, "announcement " + std::to_string(id + 100) + " not found");
  const auto list = ok(tanaka->request("announcement.list", {{"unread_only", true}}));
  ASSERT_EQ(list["announcements"].size(), 1u);
  EXPECT_EQ(list["announcements"][0]["read"], false);
}

TEST_F(Announcements, SignedOutUsersCannotList) {
  auto c = server.connect();
  expect_error(c->request("announcement.list", json::object()), "unauthenticated");
}

}  // namespace
}  // namespace musubi::testing
