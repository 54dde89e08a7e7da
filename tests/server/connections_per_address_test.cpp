#include "server/connections_per_address.hpp"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

namespace musubi::server {
namespace {

using boost::asio::ip::make_address;
using Slot = ConnectionsPerAddress::Slot;

TEST(ConnectionsPerAddress, RefusesBeyondTheCapAndCountsTheRefusals) {
  ConnectionsPerAddress peers(2);
  auto a = peers.acquire(make_address("192.0.2.1"));
  auto b = peers.acquire(make_address("192.0.2.1"));
  EXPECT_TRUE(a && b);
  EXPECT_FALSE(peers.acquire(make_address("192.0.2.1")));
  EXPECT_FALSE(peers.acquire(make_address("192.0.2.1")));
  EXPECT_EQ(peers.refused(), 2u);
  EXPECT_TRUE(peers.acquire(make_address("192.0.2.2")));  // another peer has its own count
}

TEST(ConnectionsPerAddress, AClosedConnectionGivesItsPlaceBack) {
  ConnectionsPerAddress peers(1);
  {
    auto a = peers.acquire(make_address("192.0.2.1"));
    ASSERT_TRUE(a);
    // Handed on (HttpSession to WebSocketSession): still one place.
    Slot moved = std::move(*a);
    EXPECT_FALSE(peers.acquire(make_address("192.0.2.1")));
  }
  EXPECT_EQ(peers.peers(), 0u);
  EXPECT_TRUE(peers.acquire(make_address("192.0.2.1")));
}

TEST(ConnectionsPerAddress, AnIpv6PeerIsItsSlash64) {
  ConnectionsPerAddress peers(1);
  auto a = peers.acquire(make_address("2001:db8:1:2::1"));
  ASSERT_TRUE(a);
  EXPECT_FALSE(peers.acquire(make_address("2001:db8:1:2:ffff::9")));
  EXPECT_TRUE(peers.acquire(make_address("2001:db8:1:3::1")));
}

TEST(ConnectionsPerAddress, AnIpv4MappedAddressIsTheIpv4Peer) {
  ConnectionsPerAddress peers(1);
  auto a = peers.acquire(make_address("192.0.2.1"));
  ASSERT_TRUE(a);
  EXPECT_FALSE(peers.acquire(make_address("::ffff:192.0.2.1")));
  EXPECT_TRUE(peers.acquire(make_address("::ffff:192.0.2.2")));
}

TEST(ConnectionsPerAddress, ZeroMeansNoCap) {
  ConnectionsPerAddress peers(0);
  std::vector<Slot> held;
  for (int i = 0; i < 5000; ++i) {
    auto slot = peers.acquire(make_address("192.0.2.1"));
    ASSERT_TRUE(slot);
    held.push_back(std::move(*slot));
  }
  EXPECT_EQ(peers.refused(), 0u);
}

}  // namespace
}  // namespace musubi::server
