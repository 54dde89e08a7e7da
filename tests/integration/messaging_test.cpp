// Posting, live delivery, history, exact resume and durability over real TLS WebSocket.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

json subscribe(client::ClientConnection& c, const std::string& room,
               std::optional<std::int64_t> after) {
  json cursor = {{"room", room}};
  if (after) cursor["after"] = *after;
  return ok(c.request("room.subscribe", {{"rooms", json::array({cursor})}}));
}

class Messaging : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* login : {"sato", "tanaka"})
      server.add_user(login);
    sato = server.sign_in("sato");
    tanaka = server.sign_in("tanaka");
    room = create_room(server, *sato, "佐藤 一郎");
    add_member(*sato, room, "tanaka");  // seq 2
  }

  // Bursts of hundreds of posts: the per-connection rate limit is tested on its own elsewhere.
  TestServer server{[](server::ServerConfig& c) {
    c.limits.requests_per_second = 100000;
    c.limits.request_burst = 100000;
    c.limits.send_queue_bytes = 256 * 1024;  // a slow consumer overflows sooner
  }};
  std::unique_ptr<client::ClientConnection> sato, tanaka;
  std::string room;
};

TEST_F(Messaging, PostReachesEveryOnlineMemberIncludingTheAuthorsOtherDevice) {
  auto sato_phone = server.sign_in("sato");
  subscribe(*tanaka, room, std::nullopt);
  subscribe(*sato_phone, room, std::nullopt);
  const auto ack = ok(sato->request("room.post", {{"room", room}, {"text", "血圧 128/76"}}));
  EXPECT_EQ(ack["seq"], 3);
  EXPECT_TRUE(ack["ts"].get<std::string>().ends_with("Z"));
  for (auto* c : {tanaka.get(), sato_phone.get()}) {
    const auto event = next_room_event(*c);
    ASSERT_FALSE(event.is_null());
    EXPECT_EQ(event["seq"], 3);
    EXPECT_EQ(event["type"], "message");
    EXPECT_EQ(event["text"], "血圧 128/76");
    EXPECT_EQ(event["author"]["login"], "sato");
    EXPECT_EQ(event["ts"], ack["ts"]);
  }
}

TEST_F(Messaging, SubscribeWithoutCursorSendsOnlyNewEvents) {
  post(*sato, room, "old");
  const auto reply = subscribe(*tanaka, room, std::nullopt);
  EXPECT_EQ(reply["rooms"][0]["last_seq"], 3);
  EXPECT_TRUE(next_room_event(*tanaka, std::chrono::milliseconds(200)).is_null());
  post(*sato, room, "new");
  EXPECT_EQ(next_room_event(*tanaka)["text"], "new");
}

TEST_F(Messaging, SubscribeReplaysEverythingAfterTheCursorThenLive) {
  for (int i = 0; i < 5; ++i)
    post(*sato, room, "m" + std::to_string(i));  // seq 3..7
  subscribe(*tanaka, room, 4);
  for (int seq = 5; seq <= 7; ++seq)
    EXPECT_EQ(next_room_event(*tanaka)["seq"], seq);
  post(*sato, room, "live");
  const auto live = next_room_event(*tanaka);
  EXPECT_EQ(live["seq"], 8);
  EXPECT_EQ(live["text"], "live");
}

TEST_F(Messaging, ReplayOfALongBacklogIsCompleteAndInOrder) {
  constexpr int kCount = 700;  // several replay pages
  std::vector<std::string> ids;
  for (int i = 0; i < kCount; ++i) {
    ids.push_back(sato->send_request("room.post", {{"room", room}, {"text", std::to_string(i)}}));
  }
  std::int64_t last = 0;
  for (const auto& id : ids) {
    auto reply = sato->reply_to(id, kWait);
    ASSERT_TRUE(reply && reply->ok);
    last = std::max(last, reply->result["seq"].get<std::int64_t>());
  }
  EXPECT_EQ(last, 2 + kCount);
  subscribe(*tanaka, room, 0);
  for (std::int64_t seq = 1; seq <= last; ++seq) {
    const auto e = next_room_event(*tanaka);
    ASSERT_EQ(e["seq"], seq);
  }
}

TEST_F(Messaging, ClientKilledMidStreamResumesWithNoGapAndNoDuplicate) {
  subscribe(*tanaka, room, 2);
  post(*sato, room, "one");
  const auto first = next_room_event(*tanaka);
  ASSERT_EQ(first["seq"], 3);
  const std::int64_t last_seen = first["seq"];
  tanaka.reset();  // the socket just goes away, no close handshake
  // The room moves on while the client is gone, posted concurrently by two authors.
  auto sato2 = server.sign_in("sato");
  std::thread other([&] {
    for (int i = 0; i < 20; ++i)
      post(*sato2, room, "b" + std::to_string(i));
  });
  for (int i = 0; i < 20; ++i)
    post(*sato, room, "a" + std::to_string(i));
  other.join();
  tanaka = server.sign_in("tanaka");
  subscribe(*tanaka, room, last_seen);
  // Live posts keep arriving during the replay.
  std::thread more([&] {
    for (int i = 0; i < 10; ++i)
      post(*sato2, room, "c" + std::to_string(i));
  });
  std::vector<std::int64_t> seqs;
  while (seqs.size() < 50) {
    const auto e = next_room_event(*tanaka);
    ASSERT_FALSE(e.is_null()) << "after " << seqs.size() << " events";
    seqs.push_back(e["seq"]);
  }
  more.join();
  for (std::size_t i = 0; i < seqs.size(); ++i)
    EXPECT_EQ(seqs[i], last_seen + 1 + std::int64_t(i));
  EXPECT_TRUE(next_room_event(*tanaka, std::chrono::milliseconds(200)).is_null());
}

TEST_F(Messaging, ConcurrentAuthorsGetGaplessUniqueSeqs) {
  constexpr int kThreads = 4, kPosts = 50;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> acked(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto c = server.sign_in(t % 2 ? "sato" : "tanaka");
      for (int i = 0; i < kPosts; ++i)
        acked[t].push_back(post(*c, room, "x"));
    });
  }
  for (auto& t : threads)
    t.join();
  std::set<std::int64_t> all;
  for (const auto& v : acked) {
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));  // one author's posts stay in order
    all.insert(v.begin(), v.end());
  }
  ASSERT_EQ(all.size(), std::size_t(kThreads * kPosts));
  EXPECT_EQ(*all.begin(), 3);
  EXPECT_EQ(*all.rbegin(), 2 + kThreads * kPosts);
}

TEST_F(Messaging, PostWithTheSameNonceIsNotRepeated) {
  const json body = {{"room", room}, {"text", "一度だけ"}, {"nonce", "n-123"}};
  const auto first = ok(sato->request("room.post", body));
  const auto retry = ok(sato->request("room.post", body));
  EXPECT_EQ(retry["seq"], first["seq"]);
  EXPECT_EQ(retry["duplicate"], true);
  const auto history = ok(sato->request("room.history", {{"room", room}}));
  EXPECT_EQ(history["events"].size(), 3u);
}

TEST_F(Messaging, HistoryPagesNewestFirstOrOldestFirst) {
  for (int i = 1; i <= 10; ++i)
    post(*sato, room, "m" + std::to_string(i));  // seq 3..12
  auto page = ok(tanaka->request("room.history", {{"room", room}, {"limit", 4}}));
  ASSERT_EQ(page["events"].size(), 4u);
  EXPECT_EQ(page["events"][0]["seq"], 12);
  EXPECT_EQ(page["events"][3]["seq"], 9);
  EXPECT_EQ(page["has_more"], true);
  EXPECT_EQ(page["last_seq"], 12);
  page = ok(tanaka->request("room.history", {{"room", room}, {"to", 8}, {"limit", 200}}));
  EXPECT_EQ(page["events"].size(), 8u);
  EXPECT_EQ(page["events"][0]["seq"], 8);
  EXPECT_EQ(page["has_more"], false);
  page = ok(
      tanaka->request("room.history", {{"room", room}, {"from", 3}, {"to", 5}, {"order", "asc"}}));
  ASSERT_EQ(page["events"].size(), 3u);
  EXPECT_EQ(page["events"][0]["text"], "m1");
  EXPECT_EQ(page["events"][2]["text"], "m3");
  EXPECT_EQ(page["events"][0]["type"], "message");
  const auto first =
      ok(tanaka->request("room.history", {{"room", room}, {"order", "asc"}, {"limit", 2}}));
  EXPECT_EQ(first["events"][0]["type"], "room_created");
  EXPECT_EQ(first["events"][0]["title"], "佐藤 一郎 様");
  EXPECT_EQ(first["events"][1]["type"], "member_added");
  EXPECT_EQ(first["events"][1]["member"]["login"], "tanaka");
  expect_error(tanaka->request("room.history", {{"room", room}, {"limit", 201}}),
               "invalid_request");
}

TEST_F(Messaging, EveryAcknowledgedMessageSurvivesARestart) {
  std::vector<std::int64_t> acked;
  for (int i = 0; i < 30; ++i)
    acked.push_back(post(*sato, room, "記録 " + std::to_string(i)));
  sato.reset();
  tanaka.reset();
  server.restart();
  auto c = server.sign_in("tanaka");
  const auto page =
      ok(c->request("room.history", {{"room", room}, {"order", "asc"}, {"limit", 200}}));
  ASSERT_EQ(page["events"].size(), 32u);
  for (std::size_t i = 0; i < acked.size(); ++i) {
    EXPECT_EQ(page["events"][i + 2]["seq"], acked[i]);
    EXPECT_EQ(page["events"][i + 2]["text"], "記録 " + std::to_string(i));
  }
}

TEST_F(Messaging, GracefulShutdownAcknowledgesThenClosesWithGoingAway) {
  subscribe(*tanaka, room, std::nullopt);
  const auto seq = post(*sato, room, "last words");
  EXPECT_EQ(next_room_event(*tanaka)["seq"], seq);
  std::thread stopper([&] { server.stop(); });
  const auto closed = tanaka->wait_closed(kWait);
  stopper.join();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1001);
  server.start();
  auto c = server.sign_in("sato");
  EXPECT_EQ(ok(c->request("room.history", {{"room", room}, {"limit", 1}}))["events"][0]["seq"],
            seq);
}

TEST_F(Messaging, SlowConsumerIsDisconnectedWhileOthersKeepReceiving) {
  server.add_user("suzuki");
  auto suzuki = server.sign_in("suzuki");
  add_member(*sato, room, "suzuki");
  // tanaka subscribes and then stops reading; suzuki keeps up.
  subscribe(*tanaka, room, std::nullopt);
  subscribe(*suzuki, room, std::nullopt);
  std::string big;
  for (int i = 0; i < 10000; ++i)
    big += "あ";  // the longest message: 30,000 bytes
  // Enough to fill the kernel's socket buffers on loopback (up to 4 MiB for the server's send
  // buffer, ~128 KiB for the idle reader's receive buffer) and then the send queue.
  const int posts =
      int((5 * 1024 * 1024 + server.config().limits.send_queue_bytes) / big.size()) + 20;
  int received = 0;
  for (int i = 0; i < posts; ++i) {
    post(*sato, room, big);
    while (auto e = suzuki->next_event(std::chrono::milliseconds(0)))
      received += e->event == "room.event";
  }
  while (received < posts) {
    const auto e = next_room_event(*suzuki);
    ASSERT_FALSE(e.is_null()) << "suzuki stopped receiving after " << received;
    ++received;
  }
  // The stalled client was cut off. It gets close code 4001 when it reads within close_seconds;
  // one that reads nothing at all just loses the connection.
  std::vector<std::int64_t> got;
  while (auto e = tanaka->next_event(std::chrono::milliseconds(0))) {
    if (e->event == "room.event") got.push_back(e->body["seq"]);
  }
  const auto closed = tanaka->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_TRUE(closed->code == 4001 || closed->code == 0) << closed->code;
  while (auto e = tanaka->next_event(std::chrono::milliseconds(0))) {
    if (e->event == "room.event") got.push_back(e->body["seq"]);
  }
  ASSERT_LT(got.size(), std::size_t(posts));
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i], 4 + std::int64_t(i));
  // It resumes from what it has and gets the rest, exactly.
  const std::int64_t last = got.empty() ? 3 : got.back();
  tanaka = server.sign_in("tanaka");
  subscribe(*tanaka, room, last);
  for (std::int64_t seq = last + 1; seq <= 3 + posts; ++seq) {
    ASSERT_EQ(next_room_event(*tanaka)["seq"], seq);
  }
}

}  // namespace
}  // namespace musubi::testing
