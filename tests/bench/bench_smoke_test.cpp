// The load generator against the real musubid, small and short: every scenario must come out
// clean (nothing lost, nothing duplicated, every connection up). No timing is asserted.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/musubid_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

std::string bench_binary() {
  return (build_dir() / "clients" / "bench" / "musubi-bench").string();
}

constexpr int kUsers = 32;  // four rooms of eight
constexpr int kRoomSize = 8;
constexpr int kHistoryMessages = 300;

class BenchSmoke : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new Musubid(dir_->path() / "server");
    // One network thread, as in the benchmark runs: connections without strands of their own,
    // deliveries inline on the delivery strand. (The other suites run two.)
    // A short idle timeout: a quiet connection is pinged after one second and dropped a second
    // later unless the bench client answers.
    std::ofstream(server_->config_file()) << "threads = 1\n"
                                             "[limits]\n"
                                             "requests_per_second = 100000.0\n"
                                             "request_burst = 100000.0\n"
                                             "[timeouts]\n"
                                             "websocket_idle_seconds = 2\n";
    const auto seeded = run_process({bench_binary(), "seed", "--data", server_->data_dir().string(),
                                     "--users", std::to_string(kUsers), "--room-size",
                                     std::to_string(kRoomSize), "--history-rooms", "1",
                                     "--history-messages", std::to_string(kHistoryMessages)});
    ASSERT_EQ(seeded.exit_code(), 0) << seeded.describe();
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  // Runs a scenario; its summary is the last line of its output.
  static json run(const std::string& scenario, std::vector<std::string> args) {
    std::vector<std::string> argv = {bench_binary(), scenario,
                                     "--data",       server_->data_dir().string(),
                                     "--port",       std::to_string(server_->port()),
                                     "--sources",    "127.0.0.1-127.0.0.4",
                                     "--server-pid", std::to_string(server_->process().pid())};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_process(argv, {}, {}, milliseconds(60000));
    const auto end = r.out.find_last_not_of('\n');
    const auto start = r.out.rfind('\n', end);
    const auto last = r.out.substr(start == std::string::npos ? 0 : start + 1);
    auto summary = json::parse(last, nullptr, false);
    EXPECT_FALSE(summary.is_discarded()) << r.describe();
    EXPECT_EQ(r.exit_code(), summary.value("ok", false) ? 0 : 1) << r.describe();
    return summary;
  }

  static TempDir* dir_;
  static Musubid* server_;
};

TempDir* BenchSmoke::dir_ = nullptr;
Musubid* BenchSmoke::server_ = nullptr;

void expect_clean_posts(const json& s, std::int64_t receivers_per_post) {
  EXPECT_TRUE(s.at("ok").get<bool>()) << s.dump();
  EXPECT_EQ(s.at("lost"), 0) << s.dump();
  EXPECT_EQ(s.at("duplicated"), 0) << s.dump();
  EXPECT_EQ(s.at("errors"), json::object()) << s.dump();
  EXPECT_GT(s.at("posts_acked").get<std::int64_t>(), 0) << s.dump();
  EXPECT_EQ(s.at("posts_acked"), s.at("posts_sent")) << s.dump();
  EXPECT_EQ(s.at("deliveries").get<std::int64_t>(),
            s.at("posts_acked").get<std::int64_t>() * receivers_per_post)
      << s.dump();
}

TEST_F(BenchSmoke, FanoutDeliversEveryPostToEveryMemberOnce) {
  const auto s = run("fanout", {"--rate", "200", "--warmup", "0.2", "--duration", "1"});
  EXPECT_EQ(s.at("ready"), kUsers);
  expect_clean_posts(s, kRoomSize);  // the author's own devices see it too
  EXPECT_GT(s.at("delivery_latency_ms").at("count").get<std::int64_t>(), 0);
  EXPECT_GT(s.at("server").at("rss_kib").get<std::int64_t>(), 0);
  // 200 posts/s is far below what the generator can read: its figures are the server's.
  EXPECT_FALSE(s.at("bench_saturated").get<bool>()) << s.dump();
}

TEST_F(BenchSmoke, BurstFromEveryMemberAtOnceLosesNothing) {
  const auto s = run("burst", {"--rooms", "2", "--posts", "20"});
  EXPECT_EQ(s.at("posts_sent"), 2 * kRoomSize * 20);
  expect_clean_posts(s, kRoomSize);
}

TEST_F(BenchSmoke, ReturningMembersCatchUpExactlyOnce) {
  const auto s = run("resume", {"--rooms", "3", "--leavers", "2", "--events", "40"});
  EXPECT_TRUE(s.at("ok").get<bool>()) << s.dump();
  EXPECT_EQ(s.at("leavers"), 6);
  EXPECT_EQ(s.at("returned"), 6);
  EXPECT_EQ(s.at("catch_up_ms").at("count"), 6) << s.dump();
  EXPECT_EQ(s.at("lost"), 0);
  EXPECT_EQ(s.at("duplicated"), 0);
  // Six stayed in each room the whole time and six came back for all 120 posts.
  EXPECT_EQ(s.at("deliveries"), 3 * 40 * (kRoomSize - 2) + 6 * 40) << s.dump();
}

TEST_F(BenchSmoke, HistoryPagesComeBackFull) {
  const auto s = run("history", {"--clients", "2", "--duration", "0.5"});
  EXPECT_TRUE(s.at("ok").get<bool>()) << s.dump();
  EXPECT_EQ(s.at("room_messages"), kHistoryMessages);
  EXPECT_GT(s.at("pages").get<std::int64_t>(), 0);
  EXPECT_EQ(s.at("errors"), json::object());
  EXPECT_EQ(s.at("events"), s.at("pages").get<std::int64_t>() * 50) << s.dump();
}

TEST_F(BenchSmoke, ConnectHoldsEveryConnectionAndMeasuresTheServer) {
  const auto s = run("connect", {"--connections", "48", "--hold", "0.2"});
  EXPECT_TRUE(s.at("ok").get<bool>()) << s.dump();
  EXPECT_EQ(s.at("ready"), 48);  // more than the users: some have two devices
  EXPECT_EQ(s.at("failed"), 0);
  EXPECT_TRUE(s.at("server").contains("bytes_per_connection")) << s.dump();
}

TEST_F(BenchSmoke, IdleConnectionsAnswerTheServersPings) {
  // Held quiet for twice the idle timeout: the server pings each and closes any that does not
  // answer, which the scenario would count as dropped.
  const auto s = run("connect", {"--connections", "8", "--hold", "4"});
  EXPECT_TRUE(s.at("ok").get<bool>()) << s.dump();
  EXPECT_EQ(s.at("ready"), 8);
  EXPECT_EQ(s.at("dropped"), 0) << s.dump();
  EXPECT_EQ(s.at("first_failure"), "") << s.dump();
}

TEST_F(BenchSmoke, PasswordSignInsAreVerifiedAndCounted) {
  // A count, not a duration: the server hashes passwords at background priority, so on a busy
  // machine a second may pass without one.
  const auto s = run("signin", {"--clients", "2", "--signins", "3", "--duration", "30"});
  EXPECT_TRUE(s.at("ok").get<bool>()) << s.dump();
  EXPECT_EQ(s.at("ready"), 2);
  EXPECT_EQ(s.at("signins"), 3) << s.dump();
  EXPECT_EQ(s.at("errors"), json::object());
  EXPECT_EQ(s.at("latency_ms").at("count"), s.at("signins"));
}

}  // namespace
}  // namespace musubi::testing
