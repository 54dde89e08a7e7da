#include "server/stored_event_mapping.hpp"

namespace musubi::server {

protocol::RoomEvent to_room_event(const storage::StoredEvent& event, const std::string& public_id) {
  protocol::RoomEvent out;
  out.room = public_id;
  out.seq = event.seq;
  out.ts_ms = event.ts_ms;
  out.type = event.type;
  out.author = protocol::Person{event.author_login, event.author_name};
  out.content = nlohmann::json::parse(event.content, nullptr, /*allow_exceptions=*/false);
  if (out.content.is_discarded()) out.content = nlohmann::json::object();
  return out;
}

}  // namespace musubi::server
