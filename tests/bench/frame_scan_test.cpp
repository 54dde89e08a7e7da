#include "clients/bench/frame_scan.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/envelope.hpp"
#include "protocol/room_event.hpp"

namespace musubi::bench {
namespace {

using nlohmann::json;

// Frames encoded by the server's own encoder, so that the scanner follows its real key order.
TEST(FrameScan, ReadsAMessageEventAsTheServerEncodesIt) {
  protocol::RoomEvent e;
  e.room = "k7m2xq4hwzab";
  e.seq = 4711;
  e.ts_ms = 1'700'000'000'000;
  e.type = "message";
  e.author = {"bench.u1", "ベンチ \"seq\":9 利用者"};
  e.content = json{{"text", bench_text(123456789, 200)}, {"mentions", json::array()}};
  const auto frame = protocol::encode_room_event(e);
  const auto f = scan_room_event(frame);
  ASSERT_TRUE(f.has_value()) << frame;
  EXPECT_EQ(f->room, "k7m2xq4hwzab");
  EXPECT_EQ(f->seq, 4711);
  ASSERT_TRUE(f->sent_ns.has_value());
  EXPECT_EQ(*f->sent_ns, 123456789);
}

TEST(FrameScan, AnEventWithoutABenchTextHasNoSendTime) {
  protocol::RoomEvent e;
  e.room = "r";
  e.seq = 1;
  e.type = "message";
  e.author = {"a", "A"};
  e.content = json{{"text", "おはようございます"}};
  const auto f = scan_room_event(protocol::encode_room_event(e));
  ASSERT_TRUE(f.has_value());
  EXPECT_FALSE(f->sent_ns.has_value());
}

TEST(FrameScan, ReadsRepliesAndTheirErrors) {
  const auto ok = scan_reply(protocol::encode_ok(
      17, json{{"room", "r"}, {"seq", 42}, {"ts", "2026-11-25T00:00:00.000Z"}, {"notified", 0}}));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->id, 17);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->seq, 42);
  EXPECT_FALSE(ok->duplicate);

  const auto again = scan_reply(protocol::encode_ok(18, json{{"seq", 42}, {"duplicate", true}}));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->duplicate);

  // The scan's views point into the frame: it must outlive them.
  const auto refusal = protocol::encode_error(19, protocol::Errc::rate_limited, "slow down");
  const auto refused = scan_reply(refusal);
  ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(refused->ok);
  EXPECT_EQ(refused->error_code, "rate_limited");
}

TEST(FrameScan, OtherFramesAreNeitherRepliesNorRoomEvents) {
  const auto welcome = protocol::encode_event("welcome", json{{"protocol", "musubi.v1"}});
  EXPECT_FALSE(scan_reply(welcome).has_value());
  EXPECT_FALSE(scan_room_event(welcome).has_value());
  EXPECT_FALSE(scan_reply(protocol::encode_ok("text-id", json::object())).has_value());
}

TEST(FrameScan, BenchTextHasTheRequestedSize) {
  EXPECT_EQ(bench_text(1, 200).size(), 200u);
  EXPECT_EQ(bench_text(123456789012345, 5), "b123456789012345 ");  // never cut short
}

}  // namespace
}  // namespace musubi::bench
