// Read receipts (既読) and unread counts, across two devices of one user and between members.
#include <map>

#include <gtest/gtest.h>

#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

json room_entry(client::ClientConnection& c, const std::string& room) {
  const auto list = ok(c.request("room.list", json::object()));
  for (const auto& r : list["rooms"]) {
    if (r["room"] == room) return r;
  }
  return nullptr;
}

class Receipts : public ::testing::Test {
 protected:
  void SetUp() override {
    server.add_user("vn", "田中 看護師");
    server.add_user("ph", "伊藤 薬剤師", "pharmacist", TestServer::kPharmacy);
    phone = server.sign_in("vn");
    tablet = server.sign_in("vn");
    room = create_room(server, *phone, "佐藤 一郎");
    add_member(*phone, room, "ph");
    ph = server.sign_in("ph");
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> phone, tablet, ph;
  std::string room;
};

TEST_F(Receipts, UnreadCountsFollowReadingOnEveryDeviceAndMembersSeeWhoRead) {
  post(*ph, room, "残薬を確認しました");
  post(*ph, room, "次回配達は金曜です");
  const auto last = post(*ph, room, "麻薬の残数は 6 です");
  // Entries by others after the last read: for the nurse the pharmacist's three posts (her own
  // room opening and additions do not count); for the pharmacist, that opening and his addition.
  EXPECT_EQ(room_entry(*tablet, room)["unread"], 3);
  EXPECT_EQ(room_entry(*ph, room)["unread"], 2);

  const auto reply = ok(phone->request("room.mark_read", {{"room", room}, {"seq", last - 1}}));
  EXPECT_EQ(reply["last_read_seq"], last - 1);
  // The other device learns it at once, and so does the pharmacist (shared by default).
  const auto on_tablet = next_event_named(*tablet, "room.read");
  ASSERT_TRUE(on_tablet.is_object());
  EXPECT_EQ(on_tablet["member"]["login"], "vn");
  EXPECT_EQ(on_tablet["last_read_seq"], last - 1);
  const auto on_ph = next_event_named(*ph, "room.read");
  ASSERT_TRUE(on_ph.is_object());
  EXPECT_EQ(on_ph["member"]["login"], "vn");
  EXPECT_EQ(room_entry(*tablet, room)["unread"], 1);
  EXPECT_EQ(room_entry(*tablet, room)["last_read_seq"], last - 1);

  // Reading never goes back; beyond the end is an error.
  EXPECT_EQ(ok(tablet->request("room.mark_read", {{"room", room}, {"seq", 1}}))["last_read_seq"],
            last - 1);
  expect_error(tablet->request("room.mark_read", {{"room", room}, {"seq", last + 1}}),
               "invalid_request");
  ok(tablet->request("room.mark_read", {{"room", room}, {"seq", last}}));
  EXPECT_EQ(room_entry(*phone, room)["unread"], 0);

  // Who has read what: the pharmacist can tell the nurse saw the last post.
  const auto state = ok(ph->request("room.read_state", {{"room", room}}));
  EXPECT_EQ(state["shared"], true);
  EXPECT_EQ(state["last_seq"], last);
  std::map<std::string, std::int64_t> read;
  for (const auto& m : state["members"])
    read[m["login"]] = m["last_read_seq"];
  EXPECT_EQ(read["vn"], last);
  EXPECT_EQ(read["ph"], 0);
}

TEST_F(Receipts, WithSharingOffOnlyTheReadersOwnDevicesLearnIt) {
  expect_error(ph->request("room.share_read_state", {{"room", room}, {"shared", false}}),
               "forbidden");
  expect_error(phone->request("room.share_read_state", {{"room", room}, {"shared", "no"}}),
               "invalid_request");
  EXPECT_EQ(
      ok(phone->request("room.share_read_state", {{"room", room}, {"shared", false}}))["shared"],
      false);
  const auto seq = post(*ph, room, "確認お願いします");
  ok(phone->request("room.mark_read", {{"room", room}, {"seq", seq}}));
  EXPECT_EQ(next_event_named(*tablet, "room.read")["last_read_seq"], seq);
  // The pharmacist's next room.read is their own, not the nurse's.
  ok(ph->request("room.mark_read", {{"room", room}, {"seq", seq}}));
  EXPECT_EQ(next_event_named(*ph, "room.read")["member"]["login"], "ph");
  const auto state = ok(ph->request("room.read_state", {{"room", room}}));
  EXPECT_EQ(state["shared"], false);
  ASSERT_EQ(state["members"].size(), 1u);
  EXPECT_EQ(state["members"][0]["login"], "ph");
  // Their own unread counts work either way.
  EXPECT_EQ(room_entry(*ph, room)["unread"], 0);
  EXPECT_EQ(room_entry(*phone, room)["unread"], 0);
}

TEST_F(Receipts, NonMembersLearnNothing) {
  server.add_user("stranger");
  auto stranger = server.sign_in("stranger");
  expect_error(stranger->request("room.mark_read", {{"room", room}, {"seq", 1}}), "not_found");
  expect_error(stranger->request("room.read_state", {{"room", room}}), "not_found");
  expect_error(stranger->request("room.share_read_state", {{"room", room}, {"shared", true}}),
               "not_found");
}

}  // namespace
}  // namespace musubi::testing
