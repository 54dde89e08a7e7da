// audit.list over real TLS WebSocket: a city administrator reviews who did what, never what was
// written; the hash chain holds over everything the server recorded.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "storage/audit_chain.hpp"
#include "storage/database.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "患者さんの血圧は 150/90 でした";

class AuditReview : public ::testing::Test {
 protected:
  void SetUp() override {
    server.add_user("kango", "看護 花子");
    kango = server.sign_in("kango");
    room = create_room(server, *kango, "監査 太郎");
    post(*kango, room, kSecret);
    ok(kango->request("room.history", {{"room", room}}));
    admin = server.sign_in("admin", server.admin_password());
  }

  // Reads are audited in the next group commit, not awaited: poll until `match` shows up.
  json entries_until(const json& filter, const std::function<bool(const json&)>& match) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    json entries;
    do {
      entries = ok(admin->request("audit.list", filter))["entries"];
      for (const auto& e : entries)
        if (match(e)) return entries;
      // Paced: a tight loop exceeds the request burst (40) whenever the audit write takes
      // longer than 40 round trips (a slow fsync), and a rate-limited request gets no reply.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    ADD_FAILURE() << "no matching audit entry in " << entries.dump();
    return entries;
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> kango;
  std::unique_ptr<client::ClientConnection> admin;
  std::string room;
};

TEST_F(AuditReview, AdministratorSeesSignInsAndHistoryReadsButNoMessageText) {
  const auto entries = entries_until(json::object(), [&](const json& e) {
    return e["action"] == "history.read" && e["actor"] == "kango" && e["room"] == room;
  });
  bool saw_sign_in = false;
  for (const auto& e : entries) {
    EXPECT_EQ(e["detail"].get<std::string>().find("血圧"), std::string::npos) << e.dump();
    saw_sign_in = saw_sign_in || (e["action"] == "sign_in" && e["actor"] == "kango");
  }
  EXPECT_TRUE(saw_sign_in) << entries.dump();
  // Newest first.
  for (std::size_t i = 1; i < entries.size(); ++i)
    EXPECT_GT(entries[i - 1]["id"].get<std::int64_t>(), entries[i]["id"].get<std::int64_t>());
}

TEST_F(AuditReview, ReplayOnSubscribeIsAuditedLikeAHistoryRead) {
  const auto last = ok(kango->request("room.history", {{"room", room}}))["last_seq"].get<int>();
  ok(kango->request("room.subscribe", {{"rooms", {{{"room", room}, {"after", 0}}}}}));
  const std::string range = "seq=1.." + std::to_string(last);
  entries_until({{"action", "history.replay"}}, [&](const json& e) {
    return e["actor"] == "kango" && e["room"] == room &&
           e["detail"] == range + " events=" + std::to_string(last);
  });
}

TEST_F(AuditReview, FiltersByLoginRoomActionAndTime) {
  entries_until({{"login", "kango"}, {"room", room}, {"action", "history.read"}},
                [](const json&) { return true; });
  // Each page is held in a local: a range-for over a member of a temporary reads freed memory.
  const json by_login = ok(admin->request("audit.list", {{"login", "kango"}}))["entries"];
  ASSERT_FALSE(by_login.empty());
  for (const auto& e : by_login)
    EXPECT_EQ(e["actor"], "kango");
  const json by_prefix = ok(admin->request("audit.list", {{"action", "sign_in."}}))["entries"];
  for (const auto& e : by_prefix)
    EXPECT_EQ(e["action"].get<std::string>().rfind("sign_in.", 0), 0u);
  EXPECT_TRUE(ok(admin->request("audit.list", {{"login", "nobody"}}))["entries"].empty());
  EXPECT_TRUE(
      ok(admin->request("audit.list", {{"to", "2000-01-01T00:00:00.000Z"}}))["entries"].empty());
}

TEST_F(AuditReview, PagesBackwardsWithNextBefore) {
  const auto first = ok(admin->request("audit.list", {{"limit", 2}}));
  ASSERT_EQ(first["entries"].size(), 2u);
  ASSERT_TRUE(first.contains("next_before"));
  const auto second =
      ok(admin->request("audit.list", {{"limit", 2}, {"before", first["next_before"]}}));
  ASSERT_FALSE(second["entries"].empty());
  EXPECT_LT(second["entries"][0]["id"].get<std::int64_t>(),
            first["entries"][1]["id"].get<std::int64_t>() + 1);
}

TEST_F(AuditReview, TheReviewIsItselfAudited) {
  ok(admin->request("audit.list", {{"login", "kango"}}));
  entries_until({{"action", "audit.list"}}, [](const json& e) {
    return e["actor"] == "admin" && e["detail"] == "login=kango";
  });
}

TEST_F(AuditReview, OnlyCityAdministratorsMayReview) {
  expect_error(kango->request("audit.list", json::object()), "forbidden");
}

TEST_F(AuditReview, BadFiltersAreRefused) {
  expect_error(admin->request("audit.list", {{"from", "yesterday"}}), "invalid_request");
  expect_error(admin->request("audit.list", {{"limit", 0}}), "invalid_request");
  expect_error(admin->request("audit.list", {{"limit", 201}}), "invalid_request");
  expect_error(admin->request("audit.list", {{"before", "x"}}), "invalid_request");
}

TEST_F(AuditReview, TheChainOfEverythingRecordedVerifies) {
  entries_until({{"action", "history.read"}}, [](const json&) { return true; });
  storage::Database db(server.config().database_path(), storage::OpenMode::read_only);
  const auto v = storage::verify_audit_chain(db);
  EXPECT_TRUE(v.ok()) << *v.first_broken_id;
  EXPECT_GE(v.entries, 4);
}

}  // namespace
}  // namespace musubi::testing
