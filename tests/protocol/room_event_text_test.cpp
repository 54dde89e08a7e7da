// The text encoding of stored entries (history pages, replay) says exactly what the json one says.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/envelope.hpp"
#include "protocol/room_event.hpp"

namespace musubi::protocol {
namespace {

using nlohmann::json;

RoomEvent header() {
  RoomEvent e;
  e.room = "k7m2xq4hwzab";
  e.seq = 42;
  e.ts_ms = 1'795'000'000'123;
  e.type = "record";
  e.author = {"tanaka.n", "田中 \"看護師\"\n"};
  return e;
}

TEST(RoomEventText, SaysWhatTheJsonEncodingSays) {
  for (const json& content : {json::object(), json{{"text", "熱 38.2℃ \"至急\" \\ 確認"}},
                              json{{"template", "acp_decision"},
                                   {"template_version", 1},
                                   {"content", {{"nested", {1, 2, 3}}}},
                                   {"requires_ack", true}}}) {
    auto e = header();
    const auto text = room_event_body_text(e, dump(content));
    ASSERT_TRUE(text.has_value());
    e.content = content;
    EXPECT_EQ(json::parse(*text), to_json(e)) << *text;
    const auto frame = encode_room_event_text(header(), dump(content));
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(json::parse(*frame), json::parse(encode_room_event(e)));
  }
}

TEST(RoomEventText, RefusesContentThatIsNotAnObject) {
  for (const char* bad : {"", "[]", "\"text\"", "{", "}"})
    EXPECT_FALSE(room_event_body_text(header(), bad).has_value()) << bad;
}

TEST(RoomEventText, OkReplyWithATextResultMatchesTheJsonOne) {
  const json result{{"events", json::array()}, {"has_more", false}};
  EXPECT_EQ(encode_ok_text("7", dump(result)), encode_ok("7", result));
  EXPECT_EQ(encode_ok_text(7, dump(result)), encode_ok(7, result));
}

}  // namespace
}  // namespace musubi::protocol
