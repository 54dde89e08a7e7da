#pragma once

#include <string>

#include "protocol/room_event.hpp"
#include "storage/events.hpp"

namespace musubi::server {

// A stored log entry as the wire shows it.
protocol::RoomEvent to_room_event(const storage::StoredEvent& event, const std::string& public_id);

}  // namespace musubi::server
