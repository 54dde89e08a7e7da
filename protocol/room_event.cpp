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

std::optional<std::string> room_event_body_text(const RoomEvent& event, std::string_view content) {
  if (content.size() < 2 || content.front() != '{' || content.back() != '}') return std::nullopt;
  const auto fields = content.substr(1, content.size() - 2);
  std::string out = "{\"author\":";
  out += dump(to_json(event.author));
  out += ",\"room\":";
  out += dump(event.room);
  out += ",\"seq\":";
  out += std::to_string(event.seq);
  out += R"(,"ts":")";
  out += format_timestamp(event.ts_ms);
  out += R"(","type":)";
  out += dump(event.type);
  if (!fields.empty()) {
    out += ',';
    out += fields;
  }
  out += '}';
  return out;
}

std::optional<std::string> encode_room_event_text(const RoomEvent& event,
                                                  std::string_view content) {
  auto body = room_event_body_text(event, content);
  if (!body) return std::nullopt;
  // The key order of encode_event(): "body" before "event".
  return R"({"body":)" + *body + R"(,"event":")" + std::string(event::room_event) + "\"}";
}

}  // namespace musubi::protocol
