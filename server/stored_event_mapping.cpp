#include "server/stored_event_mapping.hpp"

#include "protocol/envelope.hpp"

namespace musubi::server {

namespace {

protocol::RoomEvent header_of(const storage::StoredEvent& event, const std::string& public_id) {
  protocol::RoomEvent out;
  out.room = public_id;
  out.seq = event.seq;
  out.ts_ms = event.ts_ms;
  out.type = event.type;
  out.author = protocol::Person{event.author_login, event.author_name};
  return out;
}

}  // namespace

protocol::RoomEvent to_room_event(const storage::StoredEvent& event, const std::string& public_id) {
  auto out = header_of(event, public_id);
  out.content = nlohmann::json::parse(event.content, nullptr, /*allow_exceptions=*/false);
  if (out.content.is_discarded()) out.content = nlohmann::json::object();
  return out;
}

// Content the server stored is always an object's text; anything else takes the parsing path,
// which turns it into {} as to_room_event() does.
std::string room_event_body_text(const storage::StoredEvent& event, const std::string& public_id) {
  if (auto text = protocol::room_event_body_text(header_of(event, public_id), event.content)) {
    return std::move(*text);
  }
  return protocol::dump(protocol::to_json(to_room_event(event, public_id)));
}

std::string room_event_frame(const storage::StoredEvent& event, const std::string& public_id) {
  if (auto text = protocol::encode_room_event_text(header_of(event, public_id), event.content)) {
    return std::move(*text);
  }
  return protocol::encode_room_event(to_room_event(event, public_id));
}

}  // namespace musubi::server
