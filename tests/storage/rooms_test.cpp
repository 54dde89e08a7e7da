#include "storage/rooms.hpp"

#include <gtest/gtest.h>

#include "storage/events.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

class Rooms : public test::StorageTest {
 protected:
  Rooms()
      : tanaka_(add_user("tanaka", "田中")),
        sato_(add_user("sato", "佐藤")),
        ito_(add_user("ito", "伊藤")) {}

  void post(std::int64_t room_id, std::int64_t author, std::int64_t ts_ms) {
    append_event(
        db_, NewEvent{room_id, "message", author, R"({"text":"x"})", std::nullopt, ts_ms, {}, {}});
  }

  std::int64_t tanaka_;
  std::int64_t sato_;
  std::int64_t ito_;
};

TEST(Role, NamesRoundTrip) {
  EXPECT_EQ(to_string(Role::admin), "admin");
  EXPECT_EQ(to_string(Role::member), "member");
  EXPECT_EQ(parse_role("admin"), Role::admin);
  EXPECT_EQ(parse_role("member"), Role::member);
  EXPECT_EQ(parse_role("Admin"), std::nullopt);
  EXPECT_EQ(parse_role(""), std::nullopt);
}

TEST_F(Rooms, InsertRoomMakesTheCreatorItsAdministrator) {
  const auto room = insert_room(db_, new_room("k3j5", tanaka_, "山田 太郎 様"), 2000);
  EXPECT_GT(room, 0);
  EXPECT_EQ(member_role(db_, room, tanaka_), Role::admin);
  EXPECT_EQ(count_admins(db_, room), 1);
  const auto m = find_membership(db_, "k3j5", tanaka_);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->room_id, room);
  EXPECT_EQ(m->public_id, "k3j5");
  EXPECT_EQ(m->title, "山田 太郎 様");
  EXPECT_EQ(m->role, Role::admin);
  const auto members = members_of_room(db_, room);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].user_id, tanaka_);
}

TEST_F(Rooms, PublicIdsAreUnique) {
  add_room("dup", tanaka_);
  auto again = new_room("dup2", sato_, "again");
  again.public_id = "dup";
  EXPECT_THROW(insert_room(db_, again, 3), SqliteError);
}

TEST_F(Rooms, FindMembershipHidesNonMembersAndUnknownRooms) {
  add_room("k3j5", tanaka_);
  EXPECT_EQ(find_membership(db_, "k3j5", sato_), std::nullopt);
  EXPECT_EQ(find_membership(db_, "nope", tanaka_), std::nullopt);
  EXPECT_EQ(find_membership(db_, "k3j5", 99999), std::nullopt);
}

TEST_F(Rooms, FindMembershipHidesDisabledUsersUntilReEnabled) {
  const auto room = add_room("k3j5", tanaka_);
  ASSERT_TRUE(insert_member(db_, room, sato_, Role::member, tanaka_, 3000));
  ASSERT_TRUE(find_membership(db_, "k3j5", sato_).has_value());
  ASSERT_TRUE(set_user_disabled(db_, "sato", true, 4000));
  EXPECT_EQ(find_membership(db_, "k3j5", sato_), std::nullopt);
  // The membership itself is kept.
  EXPECT_EQ(member_role(db_, room, sato_), Role::member);
  ASSERT_TRUE(set_user_disabled(db_, "sato", false, 5000));
  const auto m = find_membership(db_, "k3j5", sato_);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->role, Role::member);
}

TEST_F(Rooms, InsertMemberOnceOnly) {
  const auto room = add_room("r", tanaka_);
  EXPECT_TRUE(insert_member(db_, room, sato_, Role::member, tanaka_, 3000));
  EXPECT_FALSE(insert_member(db_, room, sato_, Role::admin, tanaka_, 3001));
  // The second call did not change the role.
  EXPECT_EQ(member_role(db_, room, sato_), Role::member);
  EXPECT_FALSE(insert_member(db_, room, tanaka_, Role::member, tanaka_, 3002));
  EXPECT_EQ(member_role(db_, room, tanaka_), Role::admin);
}

TEST_F(Rooms, MemberMustBeAKnownUser) {
  const auto room = add_room("r", tanaka_);
  EXPECT_THROW(insert_member(db_, room, 424242, Role::member, tanaka_, 1), SqliteError);
}

TEST_F(Rooms, DeleteMember) {
  const auto room = add_room("r", tanaka_);
  insert_member(db_, room, sato_, Role::member, tanaka_, 3000);
  EXPECT_TRUE(delete_member(db_, room, sato_));
  EXPECT_EQ(member_role(db_, room, sato_), std::nullopt);
  EXPECT_EQ(find_membership(db_, "r", sato_), std::nullopt);
  EXPECT_FALSE(delete_member(db_, room, sato_));
  EXPECT_FALSE(delete_member(db_, room, ito_));
  EXPECT_EQ(member_role(db_, room, tanaka_), Role::admin);
}

TEST_F(Rooms, MemberRoleOfDisabledMemberIsStillKnown) {
  const auto room = add_room("r", tanaka_);
  insert_member(db_, room, sato_, Role::admin, tanaka_, 3000);
  set_user_disabled(db_, "sato", true, 4000);
  EXPECT_EQ(member_role(db_, room, sato_), Role::admin);
  EXPECT_EQ(member_role(db_, room, ito_), std::nullopt);
}

TEST_F(Rooms, CountAdminsCountsOnlyAdminsOfThatRoom) {
  const auto a = add_room("a", tanaka_);
  const auto b = add_room("b", sato_);
  insert_member(db_, a, sato_, Role::admin, tanaka_, 3000);
  insert_member(db_, a, ito_, Role::member, tanaka_, 3000);
  EXPECT_EQ(count_admins(db_, a), 2);
  EXPECT_EQ(count_admins(db_, b), 1);
  delete_member(db_, a, tanaka_);
  EXPECT_EQ(count_admins(db_, a), 1);
  EXPECT_EQ(count_admins(db_, 9999), 0);
}

TEST_F(Rooms, RoomsOfUserWithLastSeqMemberCountAndRole) {
  const auto a = add_room("a", tanaka_, "Room A");
  insert_member(db_, a, sato_, Role::member, tanaka_, 3000);
  insert_member(db_, a, ito_, Role::member, tanaka_, 3000);
  post(a, tanaka_, 10);
  post(a, sato_, 11);
  post(a, sato_, 12);

  const auto of_sato = rooms_of_user(db_, sato_);
  ASSERT_EQ(of_sato.size(), 1u);
  EXPECT_EQ(of_sato[0].public_id, "a");
  EXPECT_EQ(of_sato[0].title, "Room A");
  EXPECT_EQ(of_sato[0].role, Role::member);
  EXPECT_EQ(of_sato[0].last_seq, 3);
  EXPECT_EQ(of_sato[0].member_count, 3);

  const auto of_tanaka = rooms_of_user(db_, tanaka_);
  ASSERT_EQ(of_tanaka.size(), 1u);
  EXPECT_EQ(of_tanaka[0].role, Role::admin);
}

TEST_F(Rooms, RoomsOfUserMostRecentlyActiveFirst) {
  const auto a = add_room("a", tanaka_);
  const auto b = add_room("b", tanaka_);
  const auto c = add_room("c", tanaka_);
  post(a, tanaka_, 300);  // a is the most recent
  post(b, tanaka_, 100);
  post(c, tanaka_, 200);
  post(c, tanaka_, 250);

  const auto rooms = rooms_of_user(db_, tanaka_);
  ASSERT_EQ(rooms.size(), 3u);
  EXPECT_EQ(rooms[0].public_id, "a");
  EXPECT_EQ(rooms[1].public_id, "c");
  EXPECT_EQ(rooms[2].public_id, "b");
  EXPECT_EQ(rooms[1].last_seq, 2);
}

TEST_F(Rooms, RoomsWithoutEventsComeLastNewestRoomFirst) {
  const auto a = add_room("a", tanaka_);
  add_room("b", tanaka_);
  add_room("c", tanaka_);
  post(a, tanaka_, 100);
  const auto rooms = rooms_of_user(db_, tanaka_);
  ASSERT_EQ(rooms.size(), 3u);
  EXPECT_EQ(rooms[0].public_id, "a");
  EXPECT_EQ(rooms[1].public_id, "c");
  EXPECT_EQ(rooms[2].public_id, "b");
  EXPECT_EQ(rooms[1].last_seq, 0);
  EXPECT_EQ(rooms[1].member_count, 1);
}

TEST_F(Rooms, RoomsOfUserOnlyListsTheirRooms) {
  add_room("a", tanaka_);
  const auto b = add_room("b", sato_);
  EXPECT_TRUE(rooms_of_user(db_, ito_).empty());
  insert_member(db_, b, ito_, Role::member, sato_, 3000);
  const auto rooms = rooms_of_user(db_, ito_);
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].public_id, "b");
  delete_member(db_, b, ito_);
  EXPECT_TRUE(rooms_of_user(db_, ito_).empty());
}

TEST_F(Rooms, MembersOfRoomInOrderOfJoiningThenLogin) {
  const auto room = add_room("r", tanaka_, "", 1000);
  insert_member(db_, room, sato_, Role::member, tanaka_, 3000);
  insert_member(db_, room, ito_, Role::admin, tanaka_, 3000);  // same time: by login
  const auto members = members_of_room(db_, room);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].login, "tanaka");
  EXPECT_EQ(members[0].name, "田中");
  EXPECT_EQ(members[0].role, Role::admin);
  EXPECT_EQ(members[1].login, "ito");
  EXPECT_EQ(members[1].user_id, ito_);
  EXPECT_EQ(members[1].role, Role::admin);
  EXPECT_EQ(members[2].login, "sato");
  EXPECT_EQ(members[2].name, "佐藤");
  EXPECT_EQ(members[2].role, Role::member);
}

TEST_F(Rooms, MembersOfUnknownRoomIsEmpty) {
  EXPECT_TRUE(members_of_room(db_, 4242).empty());
}

}  // namespace
}  // namespace musubi::storage
