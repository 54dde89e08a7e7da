#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "server/room_broadcast.hpp"

namespace musubi::server {

class Connection;

// Which connections follow which room, and the fan-out of committed events to them. One mutex
// guards the map; delivery itself only posts to each connection's strand, so publish() is short
// and never waits for a socket.
class RoomHub {
 public:
  void subscribe(std::int64_t room_id, std::int64_t user_id,
                 const std::shared_ptr<Connection>& connection);
  void unsubscribe(std::int64_t room_id, const Connection* connection);

  // Delivers to every follower of the room. Called in commit order (on the server's delivery
  // strand, where each group commit's completions run), so each connection sees a room's events
  // in seq order. For member_removed, the removed user's connections are dropped from the room
  // first.
  void publish(const std::shared_ptr<const RoomBroadcast>& broadcast);

  std::size_t follower_count(std::int64_t room_id) const;

 private:
  struct Follower {
    const Connection* key;
    std::int64_t user_id;
    std::weak_ptr<Connection> connection;
  };

  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, std::vector<Follower>> rooms_;
};

}  // namespace musubi::server
