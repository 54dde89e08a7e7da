#include "protocol/room_event.hpp"

#include "protocol/envelope.hpp"
#include "protocol/json_text.hpp"
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

namespace {

bool is_object_text(std::string_view content) {
  return content.size() >= 2 && content.front() == '{' && content.back() == '}';
}

// The header's keys in the order dump() gives them, then the stored fields as they are.
void append_body_text(std::string& out, const RoomEvent& event, std::string_view content) {
  const auto fields = content.substr(1, content.size() - 2);
  out += R"({"author":{"login":)";
  append_json_string(out, event.author.login);
  out += R"(,"name":)";
  append_json_string(out, event.author.name);
  out += R"(},"room":)";
  append_json_string(out, event.room);
  out += R"(,"seq":)";
  out += std::to_string(event.seq);
  out += R"(,"ts":")";
  append_timestamp(out, event.ts_ms);
  out += R"(","type":)";
  append_json_string(out, event.type);
  if (!fields.empty()) {
    out += ',';
    out += fields;
  }
  out += '}';
}

// Room for the header, so that the body is written without growing the string.
constexpr std::size_t kHeaderBytes = 192;

}  // namespace

std::optional<std::string> room_event_body_text(const RoomEvent& event, std::string_view content) {
  if (!is_object_text(content)) return std::nullopt;
  std::string out;
  out.reserve(content.size() + kHeaderBytes);
  append_body_text(out, event, content);
  return out;
}

std::optional<std::string> encode_room_event_text(const RoomEvent& event,
                                                  std::string_view content) {
  if (!is_object_text(content)) return std::nullopt;
  // The key order of encode_event(): "body" before "event".
  std::string out;
  out.reserve(content.size() + kHeaderBytes + event::room_event.size());
  out += R"({"body":)";
  append_body_text(out, event, content);
  out += R"(,"event":")";
  out += event::room_event;
  out += "\"}";
  return out;
}

}  // namespace musubi::protocol
