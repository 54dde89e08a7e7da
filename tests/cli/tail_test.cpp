// musubi tail: live events, replay with --from, reconnection after a server restart without
// gaps or repeats, what a disabled account sees, and a clean stop on SIGINT/SIGTERM.
#include <gtest/gtest.h>

#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

class Tail : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    sato_ = std::make_unique<CliUser>(signed_in_user("sato", "佐藤 花子"));
    room_ = open_room(*sato_, "佐藤 一郎");
  }

  // Starts `musubi tail ROOM ARGS...` as `who` and waits until it is following.
  std::unique_ptr<ChildProcess> start_tail(const CliUser& who, std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"tail", room_});
    auto tail = who.start(args);
    EXPECT_TRUE(tail->wait_for_stderr("following " + room_, kEventTimeout)) << tail->stderr_text();
    return tail;
  }

  // The next line the tail prints, as JSON (null when none comes in time).
  static nlohmann::json next_json(ChildProcess& tail) {
    const auto line = tail.read_line(kEventTimeout);
    EXPECT_TRUE(line.has_value()) << "stderr: " << tail.stderr_text();
    if (!line) return nullptr;
    return nlohmann::json::parse(*line, nullptr, false);
  }

  std::string post(const std::string& text) { return trim(sato_->ok({"post", room_, text})); }

  std::unique_ptr<CliUser> sato_;
  std::string room_;
};

TEST_F(Tail, PrintsOnlyNewEventsInHumanFormat) {
  post("before the tail");
  auto tail = start_tail(*sato_);
  EXPECT_EQ(post("血圧 128/76、食事は半分"), "3");
  const auto line = tail->read_line(kEventTimeout);
  ASSERT_TRUE(line.has_value()) << tail->stderr_text();
  // "#SEQ TIME AUTHOR-NAME: TEXT" (the CLI runs with TZ=UTC here).
  const auto prefix = std::string("#3 ");
  EXPECT_EQ(line->rfind(prefix, 0), 0u) << *line;
  EXPECT_EQ(line->substr(prefix.size() + 16), " 佐藤 花子: 血圧 128/76、食事は半分") << *line;
  EXPECT_EQ(tail->stdout_text().find("before the tail"), std::string::npos);
}

TEST_F(Tail, FromReplaysEarlierEventsThenFollows) {
  post("一");
  post("二");
  auto tail = start_tail(*sato_, {"--json", "--from", "2"});
  const auto first = next_json(*tail);
  EXPECT_EQ(first["seq"], 2);
  EXPECT_EQ(first["text"], "一");
  const auto second = next_json(*tail);
  EXPECT_EQ(second["seq"], 3);
  EXPECT_EQ(second["text"], "二");
  post("三");
  const auto live = next_json(*tail);
  EXPECT_EQ(live["seq"], 4);
  EXPECT_EQ(live["text"], "三");
}

TEST_F(Tail, SigtermClosesWith1001AndTailResumesWithoutGapsOrRepeats) {
  auto tail = start_tail(*sato_, {"--json"});
  post("one");
  EXPECT_EQ(next_json(*tail)["text"], "one");

  // musubid drains and exits cleanly with a client connected; the tail notices the close.
  EXPECT_EQ(server().stop().describe(), "exit 0");
  EXPECT_TRUE(tail->wait_for_stderr("connection closed (1001 server shutting down); reconnecting",
                                    kEventTimeout))
      << tail->stderr_text();
  EXPECT_FALSE(tail->status().has_value()) << "the tail must keep going";

  // Back on the same address; a post made while the tail may still be away is replayed.
  server().start(server().port());
  post("two");
  const auto two = next_json(*tail);
  EXPECT_EQ(two["seq"], 3);
  EXPECT_EQ(two["text"], "two");
  EXPECT_TRUE(tail->wait_for_stderr("reconnected; following " + room_ + " after #2", kEventTimeout))
      << tail->stderr_text();
  post("three");
  EXPECT_EQ(next_json(*tail)["seq"], 4);

  // Exactly once each.
  std::vector<std::int64_t> seqs;
  for (const auto& e : json_lines(tail->stdout_text()))
    seqs.push_back(e["seq"]);
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{2, 3, 4}));
}

TEST_F(Tail, KeepaliveNoticesAServerThatStoppedAnsweringAndReconnects) {
  auto tail = start_tail(*sato_, {"--json", "--keepalive", "1"});
  // A stopped process still has its sockets: the connection stays open but goes silent.
  server().process().send_signal(SIGSTOP);
  const bool noticed =
      tail->wait_for_stderr("no answer from the server for 1 s; reconnecting", kEventTimeout);
  server().process().send_signal(SIGCONT);
  ASSERT_TRUE(noticed) << tail->stderr_text();
  post("after the silence");
  const auto event = next_json(*tail);
  EXPECT_EQ(event["seq"], 2);
  EXPECT_EQ(event["text"], "after the silence");
  EXPECT_TRUE(tail->wait_for_stderr("reconnected; following " + room_ + " after #1", kEventTimeout))
      << tail->stderr_text();
}

TEST_F(Tail, DisablingTheUserClosesTheTailWhichKeepsFailingToResume) {
  const auto tanaka = signed_in_user("tanaka", "田中 健");
  sato_->ok({"room", "add", room_, "tanaka"});
  auto tail = start_tail(tanaka);

  const auto disabled = server().admin({"user", "disable", "tanaka"});
  ASSERT_EQ(disabled.exit_code(), 0) << disabled.describe();
  EXPECT_TRUE(tail->wait_for_stderr("connection closed (4003 account disabled)", kEventTimeout))
      << tail->stderr_text();
  // It tries again, is refused, says so, and keeps trying (with back-off).
  EXPECT_TRUE(tail->wait_for_stderr("log in again with: musubi login tanaka", kEventTimeout, 2))
      << tail->stderr_text();
  EXPECT_FALSE(tail->status().has_value());
  post("not for tanaka");
  EXPECT_EQ(tail->stdout_text(), "");

  const auto login = tanaka.run(
      {"--server", server().url(), "--ca", server().cert_file().string(), "login", "tanaka"},
      std::string(kUserPassword) + "\n");
  EXPECT_EQ(login.exit_code(), 1) << login.describe();
  EXPECT_EQ(login.err, "musubi: wrong login or password\n");
}

TEST_F(Tail, RemovalFromTheRoomEndsTheTail) {
  const auto tanaka = signed_in_user("tanaka", "田中 健");
  sato_->ok({"room", "add", room_, "tanaka"});
  auto tail = start_tail(tanaka, {"--json"});
  sato_->ok({"room", "remove", room_, "tanaka"});
  const auto status = tail->wait_exit(kEventTimeout);
  ASSERT_TRUE(status.has_value()) << tail->stderr_text();
  EXPECT_EQ(status->describe(), "exit 1");
  EXPECT_NE(tail->stderr_text().find("musubi: removed from the room by sato"), std::string::npos)
      << tail->stderr_text();
}

TEST_F(Tail, StopsCleanlyOnSigintAndSigterm) {
  for (const int sig : {SIGINT, SIGTERM}) {
    auto tail = start_tail(*sato_);
    tail->send_signal(sig);
    const auto status = tail->wait_exit(kEventTimeout);
    ASSERT_TRUE(status.has_value()) << tail->stderr_text();
    EXPECT_EQ(status->describe(), "exit 0") << tail->stderr_text();
  }
}

TEST_F(Tail, UnknownRoomFailsAtOnce) {
  const auto r = sato_->run({"tail", "zzzzzzzzzzzz"});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_EQ(r.err, "musubi: room not found\n");
}

}  // namespace
}  // namespace musubi::testing
