#include "protocol/room_event.hpp"

#include "protocol/envelope.hpp"
#include "protocol/timestamp.hpp"

namespace musubi::protocol {

using nlohmann::json;

json to_json(const Person& person) {
  return json{{"login", person.login}, {"name", person.name}};
}

json to_json(const RoomEvent& event) {
  json body = {{"room", event.room},
               {"seq", event.seq},
               {"ts", format_timestamp(event.ts_ms)},
               {"type", event.type},
               {"author", to_json(event.author)}};
  if (event.content.is_object()) {
    for (const auto& [key, value] : event.content.items())
      body.emplace(key, value);
  }
  return body;
}

std::string encode_room_event(const RoomEvent& event) {
  return encode_event(event::room_event, to_json(event));
}

}  // namespace musubi::protocol
