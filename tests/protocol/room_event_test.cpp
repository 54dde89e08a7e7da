#include "protocol/room_event.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace musubi::protocol {
namespace {

using nlohmann::json;

RoomEvent sample_message() {
  RoomEvent e;
  e.room = "k3j5m2";
  e.seq = 12;
  e.ts_ms = 1795489445123;
  e.type = std::string(room_event_type::message);
  e.author = Person{"tanaka", "田中 看護師"};
  e.content = json{{"text", "訪問しました"}};
  return e;
}

TEST(EventNames, AreStable) {
  EXPECT_EQ(event::welcome, "welcome");
  EXPECT_EQ(event::room_event, "room.event");
  EXPECT_EQ(event::room_added, "room.added");
  EXPECT_EQ(event::room_removed, "room.removed");
  EXPECT_EQ(room_event_type::room_created, "room_created");
  EXPECT_EQ(room_event_type::message, "message");
  EXPECT_EQ(room_event_type::member_added, "member_added");
  EXPECT_EQ(room_event_type::member_removed, "member_removed");
}

TEST(PersonToJson, LoginAndName) {
  EXPECT_EQ(to_json(Person{"sato", "佐藤"}), json({{"login", "sato"}, {"name", "佐藤"}}));
}

TEST(RoomEventToJson, MergesContentIntoTheBody) {
  EXPECT_EQ(to_json(sample_message()),
            json({{"room", "k3j5m2"},
                  {"seq", 12},
                  {"ts", "2026-11-24T03:04:05.123Z"},
                  {"type", "message"},
                  {"author", {{"login", "tanaka"}, {"name", "田中 看護師"}}},
                  {"text", "訪問しました"}}));
}

TEST(RoomEventToJson, SeveralContentFields) {
  RoomEvent e = sample_message();
  e.type = std::string(room_event_type::member_added);
  e.content = json{{"member", {{"login", "sato"}, {"name", "佐藤"}}}, {"role", "admin"}};
  const json body = to_json(e);
  EXPECT_EQ(body["member"], json({{"login", "sato"}, {"name", "佐藤"}}));
  EXPECT_EQ(body["role"], "admin");
  EXPECT_EQ(body["type"], "member_added");
  EXPECT_EQ(body.size(), 7u);
}

TEST(RoomEventToJson, ContentCannotOverrideEnvelopeFields) {
  RoomEvent e = sample_message();
  e.content = json{{"seq", 999}, {"room", "other"}, {"author", "mallory"}, {"text", "t"}};
  const json body = to_json(e);
  EXPECT_EQ(body["seq"], 12);
  EXPECT_EQ(body["room"], "k3j5m2");
  EXPECT_EQ(body["author"]["login"], "tanaka");
  EXPECT_EQ(body["text"], "t");
}

TEST(RoomEventToJson, NonObjectOrNullContentIsIgnored) {
  for (const json& content : {json(nullptr), json("text"), json::array({1, 2}), json(3)}) {
    RoomEvent e = sample_message();
    e.content = content;
    const json body = to_json(e);
    EXPECT_EQ(body.size(), 5u) << content.dump();
    EXPECT_FALSE(body.contains("text")) << content.dump();
  }
}

TEST(EncodeRoomEvent, ExactFrameText) {
  RoomEvent e;
  e.room = "r1";
  e.seq = 1;
  e.ts_ms = 0;
  e.type = "room_created";
  e.author = Person{"admin", "Admin"};
  e.content = json{{"title", "山田様"}};
  EXPECT_EQ(encode_room_event(e),
            "{\"body\":{\"author\":{\"login\":\"admin\",\"name\":\"Admin\"},\"room\":\"r1\","
            "\"seq\":1,\"title\":\"山田様\",\"ts\":\"1970-01-01T00:00:00.000Z\","
            "\"type\":\"room_created\"},\"event\":\"room.event\"}");
}

TEST(EncodeRoomEvent, InvalidUtf8InStoredTextIsReplacedNotThrown) {
  RoomEvent e = sample_message();
  e.content = json{{"text", std::string("a\xff")}};
  std::string frame;
  ASSERT_NO_THROW(frame = encode_room_event(e));
  EXPECT_NE(frame.find("\"text\":\"a\xEF\xBF\xBD\""), std::string::npos) << frame;
}

}  // namespace
}  // namespace musubi::protocol
