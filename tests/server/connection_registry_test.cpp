#include "server/connection_registry.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

namespace musubi::server {
namespace {

// The registry only stores and compares Connection pointers, never calls them, so distinct
// addresses owned by plain shared_ptrs stand in for connections: no socket, transport or mock.
class FakeConnections {
 public:
  std::shared_ptr<Connection> make() {
    auto owner = std::make_shared<char>('c');
    owners_.push_back(owner);
    // Aliasing constructor: shares owner's lifetime, points at a distinct, never-dereferenced
    // address.
    return std::shared_ptr<Connection>(owner, reinterpret_cast<Connection*>(owner.get()));
  }

 private:
  std::vector<std::shared_ptr<char>> owners_;
};

bool contains(const std::vector<std::shared_ptr<Connection>>& list,
              const std::shared_ptr<Connection>& c) {
  return std::find(list.begin(), list.end(), c) != list.end();
}

class ConnectionRegistryTest : public ::testing::Test {
 protected:
  FakeConnections fakes_;
  ConnectionRegistry registry_;
};

TEST_F(ConnectionRegistryTest, EmptyRegistry) {
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_TRUE(registry_.of_user(1).empty());
  EXPECT_TRUE(registry_.of_session(1, 1).empty());
}

TEST_F(ConnectionRegistryTest, UpToASessionLeavesOutTheLaterOnes) {
  auto before = fakes_.make();
  auto same = fakes_.make();
  auto after = fakes_.make();
  registry_.add(1, 10, before);
  registry_.add(1, 12, same);
  registry_.add(1, 13, after);
  const auto ended = registry_.of_user(1, 12);
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_TRUE(contains(ended, before));
  EXPECT_TRUE(contains(ended, same));
  EXPECT_TRUE(registry_.of_user(1, 9).empty());
  EXPECT_EQ(registry_.of_user(1).size(), 3u);
}

TEST_F(ConnectionRegistryTest, FindsEveryDeviceOfAUser) {
  auto phone = fakes_.make();
  auto laptop = fakes_.make();
  auto other = fakes_.make();
  registry_.add(1, 10, phone);
  registry_.add(1, 11, laptop);
  registry_.add(2, 20, other);
  EXPECT_EQ(registry_.size(), 3u);

  const auto of_one = registry_.of_user(1);
  ASSERT_EQ(of_one.size(), 2u);
  EXPECT_TRUE(contains(of_one, phone));
  EXPECT_TRUE(contains(of_one, laptop));
  const auto of_two = registry_.of_user(2);
  ASSERT_EQ(of_two.size(), 1u);
  EXPECT_EQ(of_two[0], other);
  EXPECT_TRUE(registry_.of_user(3).empty());
}

TEST_F(ConnectionRegistryTest, OfSessionFindsExactlyThatSessionsConnections) {
  auto a = fakes_.make();
  auto b = fakes_.make();
  auto c = fakes_.make();
  registry_.add(1, 10, a);
  registry_.add(1, 10, b);  // two connections resumed with the same token
  registry_.add(1, 11, c);
  const auto s10 = registry_.of_session(1, 10);
  ASSERT_EQ(s10.size(), 2u);
  EXPECT_TRUE(contains(s10, a));
  EXPECT_TRUE(contains(s10, b));
  EXPECT_EQ(registry_.of_session(1, 11), std::vector<std::shared_ptr<Connection>>{c});
  // A session id is only looked up under its own user.
  EXPECT_TRUE(registry_.of_session(2, 10).empty());
  EXPECT_TRUE(registry_.of_session(1, 12).empty());
}

TEST_F(ConnectionRegistryTest, RemoveForgetsTheConnection) {
  auto a = fakes_.make();
  auto b = fakes_.make();
  registry_.add(1, 10, a);
  registry_.add(1, 11, b);
  registry_.remove(a.get());
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_EQ(registry_.of_user(1), std::vector<std::shared_ptr<Connection>>{b});
  EXPECT_TRUE(registry_.of_session(1, 10).empty());
  registry_.remove(b.get());
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_TRUE(registry_.of_user(1).empty());
}

TEST_F(ConnectionRegistryTest, RemovingAnUnknownConnectionIsHarmless) {
  auto a = fakes_.make();
  auto stranger = fakes_.make();
  registry_.add(1, 10, a);
  registry_.remove(stranger.get());
  registry_.remove(nullptr);
  registry_.remove(a.get());
  registry_.remove(a.get());
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(ConnectionRegistryTest, AddingAgainMovesTheConnection) {
  // A connection that signs in again (another user or a new session) is listed once, under its
  // latest identity.
  auto a = fakes_.make();
  registry_.add(1, 10, a);
  registry_.add(2, 20, a);
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_TRUE(registry_.of_user(1).empty());
  EXPECT_EQ(registry_.of_session(2, 20), std::vector<std::shared_ptr<Connection>>{a});
  registry_.add(2, 21, a);
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_TRUE(registry_.of_session(2, 20).empty());
  EXPECT_EQ(registry_.of_user(2).size(), 1u);
}

TEST_F(ConnectionRegistryTest, DoesNotKeepConnectionsAlive) {
  auto kept = fakes_.make();
  std::weak_ptr<Connection> gone_watch;
  {
    auto owner = std::make_shared<char>('x');
    std::shared_ptr<Connection> gone(owner, reinterpret_cast<Connection*>(owner.get()));
    gone_watch = gone;
    registry_.add(1, 10, gone);
    registry_.add(1, 10, kept);
  }
  EXPECT_TRUE(gone_watch.expired());
  EXPECT_EQ(registry_.of_user(1), std::vector<std::shared_ptr<Connection>>{kept});
  EXPECT_EQ(registry_.of_session(1, 10), std::vector<std::shared_ptr<Connection>>{kept});
}

}  // namespace
}  // namespace musubi::server
