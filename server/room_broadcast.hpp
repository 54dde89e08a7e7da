#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "server/transport.hpp"

namespace musubi::server {

// A committed room event on its way to the room's online members: the frame is encoded once.
struct RoomBroadcast {
  std::int64_t room_id = 0;
  std::int64_t seq = 0;
  std::string type;  // protocol::room_event_type
  // For member_added / member_removed: the user concerned. A removed member's connections are
  // dropped from the room before the event goes out, so it never reaches them.
  std::int64_t subject_user_id = 0;
  Frame frame;
};

}  // namespace musubi::server
