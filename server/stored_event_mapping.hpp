#pragma once

#include <string>

#include "protocol/room_event.hpp"
#include "storage/events.hpp"

namespace musubi::server {

// A stored log entry as the wire shows it.
protocol::RoomEvent to_room_event(const storage::StoredEvent& event, const std::string& public_id);

// Its body and its room.event frame as JSON text, the stored content spliced in unparsed.
std::string room_event_body_text(const storage::StoredEvent& event, const std::string& public_id);
std::string room_event_frame(const storage::StoredEvent& event, const std::string& public_id);

}  // namespace musubi::server
