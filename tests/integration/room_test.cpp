// Rooms, membership and members-only access over real TLS WebSocket.
#include <gtest/gtest.h>

#include "server/admin_commands.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

class Rooms : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* login : {"sato", "tanaka", "suzuki"})
      server.add_user(login);
    sato = server.sign_in("sato");
    tanaka = server.sign_in("tanaka");
    suzuki = server.sign_in("suzuki");
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> sato, tanaka, suzuki;
};

TEST_F(Rooms, CreatorIsAdminAndRoomIsListedWithItsLatestSeq) {
  const auto room = create_room(server, *sato, "佐藤 一郎");
  EXPECT_EQ(room.size(), 12u);
  post(*sato, room, "初回訪問しました");
  const auto rooms = ok(sato->request("room.list", json::object()))["rooms"];
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0]["room"], room);
  EXPECT_EQ(rooms[0]["title"], "佐藤 一郎 様");
  EXPECT_EQ(rooms[0]["role"], "admin");
  EXPECT_EQ(rooms[0]["last_seq"], 2);  // room_created, then the message
  EXPECT_EQ(rooms[0]["members"], 1);
  EXPECT_TRUE(ok(tanaka->request("room.list", json::object()))["rooms"].empty());
}

TEST_F(Rooms, AddedMemberIsToldAndCanReadAndPost) {
  const auto room = create_room(server, *sato, "room");
  add_member(*sato, room, "tanaka");
  auto added = tanaka->next_event(kWait);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->event, "room.added");
  EXPECT_EQ(added->body["room"], room);
  EXPECT_EQ(added->body["role"], "member");
  post(*tanaka, room, "服薬確認済み");
  const auto members = ok(tanaka->request("room.members", {{"room", room}}))["members"];
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0]["login"], "sato");
  EXPECT_EQ(members[0]["role"], "admin");
  EXPECT_EQ(members[1]["login"], "tanaka");
}

TEST_F(Rooms, NonMemberLearnsNothingAboutARoomThatExists) {
  const auto room = create_room(server, *sato, "room");
  post(*sato, room, "秘密");
  const std::string made_up = "abcdefghijkl";
  for (const auto& target : {room, made_up}) {
    for (const auto& [op, body] : std::vector<std::pair<std::string, json>>{
             {"room.history", {{"room", target}}},
             {"room.post", {{"room", target}, {"text", "x"}}},
             {"room.members", {{"room", target}}},
             {"room.add_member", {{"room", target}, {"login", "suzuki"}}},
             {"room.remove_member", {{"room", target}, {"login", "sato"}}}}) {
      const auto reply = suzuki->request(op, body);
      expect_error(reply, "not_found");
      EXPECT_EQ(reply.error_message, "room not found") << op;
    }
    const auto sub =
        ok(suzuki->request("room.subscribe", {{"rooms", {{{"room", target}, {"after", 0}}}}}));
    EXPECT_EQ(sub["rooms"][0]["error"], "not_found");
  }
  // And nothing of the room reaches them.
  post(*sato, room, "まだ秘密");
  EXPECT_FALSE(suzuki->next_event(std::chrono::milliseconds(300)));
}

TEST_F(Rooms, OnlyAdministratorsAddOrRemoveOthers) {
  const auto room = create_room(server, *sato, "room");
  add_member(*sato, room, "tanaka");
  expect_error(tanaka->request("room.add_member", {{"room", room}, {"login", "suzuki"}}),
               "forbidden");
  expect_error(tanaka->request("room.remove_member", {{"room", room}, {"login", "sato"}}),
               "forbidden");
  ok(sato->request("room.add_member", {{"room", room}, {"login", "suzuki"}, {"role", "admin"}}));
  ok(suzuki->request("room.remove_member", {{"room", room}, {"login", "tanaka"}}));
}

TEST_F(Rooms, AddingTwiceOrUnknownUsersIsRefused) {
  const auto room = create_room(server, *sato, "room");
  add_member(*sato, room, "tanaka");
  expect_error(sato->request("room.add_member", {{"room", room}, {"login", "tanaka"}}), "conflict");
  expect_error(sato->request("room.add_member", {{"room", room}, {"login", "nobody"}}),
               "not_found");
}

TEST_F(Rooms, MemberMayLeaveButTheLastAdministratorMayNot) {
  const auto room = create_room(server, *sato, "room");
  add_member(*sato, room, "tanaka");
  expect_error(sato->request("room.remove_member", {{"room", room}, {"login", "sato"}}),
               "conflict");
  ok(tanaka->request("room.remove_member", {{"room", room}, {"login", "tanaka"}}));
  expect_error(tanaka->request("room.history", {{"room", room}}), "not_found");
}

TEST_F(Rooms, RemovedMemberIsCutOffAtOnce) {
  const auto room = create_room(server, *sato, "room");
  add_member(*sato, room, "tanaka");
  ok(tanaka->request("room.subscribe", {{"rooms", {{{"room", room}, {"after", 0}}}}}));
  post(*sato, room, "before");
  // Replay (room_created, member_added) then the live message.
  json seen;
  for (int i = 0; i < 3; ++i)
    seen = next_room_event(*tanaka);
  ASSERT_FALSE(seen.is_null());
  EXPECT_EQ(seen["text"], "before");

  ok(sato->request("room.remove_member", {{"room", room}, {"login", "tanaka"}}));
  // The removed member is told, once, and nothing of the room follows.
  std::optional<protocol::ServerFrame> removed;
  while (auto e = tanaka->next_event(kWait)) {
    if (e->event == "room.removed") {
      removed = e;
      break;
    }
    ADD_FAILURE() << "unexpected event " << e->event << " " << e->body.dump();
  }
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->body["room"], room);
  EXPECT_EQ(removed->body["by"], "sato");
  post(*sato, room, "after");
  EXPECT_FALSE(tanaka->next_event(std::chrono::milliseconds(300)));
  expect_error(tanaka->request("room.history", {{"room", room}}), "not_found");
  expect_error(tanaka->request("room.post", {{"room", room}, {"text", "x"}}), "not_found");
  const auto sub = ok(tanaka->request("room.subscribe", {{"rooms", {{{"room", room}}}}}));
  EXPECT_EQ(sub["rooms"][0]["error"], "not_found");
}

TEST_F(Rooms, DisabledUserIsCutOffAndCannotSignIn) {
  const auto room = create_room(server, *sato, "room");
  add_member(*sato, room, "tanaka");
  ok(tanaka->request("room.subscribe", {{"rooms", {{{"room", room}}}}}));
  std::ostringstream out, err;
  ASSERT_EQ(server::user_set_disabled(server.config(), "tanaka", true, out, err), 0) << err.str();
  const auto closed = tanaka->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 4003);
  auto again = server.connect();
  expect_error(again->request("session.sign_in", {{"login", "tanaka"}, {"password", kPassword}}),
               "invalid_credentials");
  // A disabled member counts as no member at all.
  expect_error(sato->request("room.remove_member", {{"room", room}, {"login", "nobody"}}),
               "not_found");
}

}  // namespace
}  // namespace musubi::testing
