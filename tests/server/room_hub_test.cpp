#include "server/room_hub.hpp"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/room_event.hpp"

namespace musubi::server {
namespace {

// Subscriptions are tested with stand-in connections: distinct addresses owned by plain
// shared_ptrs. The hub only calls a connection when publish() finds it alive and following, so
// publish() is only exercised here where every follower has gone or is being removed; delivery
// itself needs a real Connection and is covered by the integration tests.
class RoomHubTest : public ::testing::Test {
 protected:
  std::shared_ptr<Connection> make() {
    auto owner = std::make_shared<char>('c');
    owners_.push_back(owner);
    return std::shared_ptr<Connection>(owner, reinterpret_cast<Connection*>(owner.get()));
  }

  // Ends a stand-in connection's life (as when its socket closes).
  void drop(std::shared_ptr<Connection>& c) {
    std::erase_if(owners_, [&](const std::shared_ptr<char>& o) {
      return reinterpret_cast<Connection*>(o.get()) == c.get();
    });
    c.reset();
  }

  static std::shared_ptr<const RoomBroadcast> broadcast(std::int64_t room_id, std::string_view type,
                                                        std::int64_t subject = 0) {
    auto b = std::make_shared<RoomBroadcast>();
    b->room_id = room_id;
    b->seq = 1;
    b->type = std::string(type);
    b->subject_user_id = subject;
    b->frame = std::make_shared<const std::string>("{}");
    return b;
  }

  std::vector<std::shared_ptr<char>> owners_;
  RoomHub hub_;
};

TEST_F(RoomHubTest, NoFollowersAtFirst) {
  EXPECT_EQ(hub_.follower_count(1), 0u);
}

TEST_F(RoomHubTest, SubscribeCountsEachConnectionOncePerRoom) {
  auto a = make();
  auto b = make();
  hub_.subscribe(1, 100, a);
  hub_.subscribe(1, 100, a);
  hub_.subscribe(1, 200, b);
  hub_.subscribe(2, 100, a);
  EXPECT_EQ(hub_.follower_count(1), 2u);
  EXPECT_EQ(hub_.follower_count(2), 1u);
  EXPECT_EQ(hub_.follower_count(3), 0u);
}

TEST_F(RoomHubTest, UnsubscribeLeavesOnlyThatRoom) {
  auto a = make();
  auto b = make();
  hub_.subscribe(1, 100, a);
  hub_.subscribe(1, 200, b);
  hub_.subscribe(2, 100, a);
  hub_.unsubscribe(1, a.get());
  EXPECT_EQ(hub_.follower_count(1), 1u);
  EXPECT_EQ(hub_.follower_count(2), 1u);
  hub_.unsubscribe(1, b.get());
  EXPECT_EQ(hub_.follower_count(1), 0u);
}

TEST_F(RoomHubTest, UnsubscribeOfAStrangerOrUnknownRoomIsHarmless) {
  auto a = make();
  auto stranger = make();
  hub_.subscribe(1, 100, a);
  hub_.unsubscribe(1, stranger.get());
  hub_.unsubscribe(99, a.get());
  EXPECT_EQ(hub_.follower_count(1), 1u);
}

TEST_F(RoomHubTest, PublishToARoomWithoutFollowersDoesNothing) {
  EXPECT_NO_THROW(hub_.publish(broadcast(7, protocol::room_event_type::message)));
  EXPECT_EQ(hub_.follower_count(7), 0u);
}

TEST_F(RoomHubTest, PublishPrunesConnectionsThatHaveGone) {
  auto a = make();
  auto b = make();
  hub_.subscribe(1, 100, a);
  hub_.subscribe(1, 200, b);
  hub_.subscribe(2, 200, b);
  drop(a);
  drop(b);
  EXPECT_EQ(hub_.follower_count(1), 2u);  // not noticed until the next publish
  hub_.publish(broadcast(1, protocol::room_event_type::message));
  EXPECT_EQ(hub_.follower_count(1), 0u);
  EXPECT_EQ(hub_.follower_count(2), 1u);  // other rooms are pruned by their own publish
}

TEST_F(RoomHubTest, MemberRemovedDropsEveryConnectionOfThatUserBeforeDelivery) {
  auto phone = make();
  auto laptop = make();
  hub_.subscribe(1, 100, phone);
  hub_.subscribe(1, 100, laptop);
  hub_.subscribe(2, 100, phone);
  hub_.publish(broadcast(1, protocol::room_event_type::member_removed, 100));
  EXPECT_EQ(hub_.follower_count(1), 0u);
  EXPECT_EQ(hub_.follower_count(2), 1u);
}

}  // namespace
}  // namespace musubi::server
