#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace musubi::protocol {

// Names of server events (frames with an "event" field).
namespace event {
inline constexpr std::string_view welcome = "welcome";            // first frame on every connection
inline constexpr std::string_view room_event = "room.event";      // an entry of a room's log
inline constexpr std::string_view room_added = "room.added";      // you were added to a room
inline constexpr std::string_view room_removed = "room.removed";  // you were removed from a room
inline constexpr std::string_view request_updated =
    "request.updated";                                            // a request you are in moved
inline constexpr std::string_view announcement = "announcement";  // a notice from the city
}  // namespace event

// Types of entries in a room's log.
namespace room_event_type {
inline constexpr std::string_view room_created = "room_created";
inline constexpr std::string_view message = "message";
inline constexpr std::string_view member_added = "member_added";
inline constexpr std::string_view member_removed = "member_removed";
inline constexpr std::string_view room_closed = "room_closed";
inline constexpr std::string_view record = "record";          // a structured record (template)
inline constexpr std::string_view revision = "revision";      // a correction of an earlier entry
inline constexpr std::string_view withdrawal = "withdrawal";  // an earlier entry withdrawn
// An emergency call's episode: raised, escalated to the next contacts, answered, closed.
inline constexpr std::string_view emergency = "emergency";
inline constexpr std::string_view emergency_escalated = "emergency_escalated";
inline constexpr std::string_view emergency_response = "emergency_response";
inline constexpr std::string_view emergency_closed = "emergency_closed";
}  // namespace room_event_type

struct Person {
  std::string login;
  std::string name;
};

nlohmann::json to_json(const Person& person);

// One entry of a room's log, the same in live delivery, replay and history.
struct RoomEvent {
  std::string room;
  std::int64_t seq = 0;
  std::int64_t ts_ms = 0;
  std::string type;
  Person author;
  nlohmann::json content;  // type-specific fields, e.g. {"text": "..."}; merged into the body
};

// The event's body: {"room","seq","ts","type","author", ...content}.
nlohmann::json to_json(const RoomEvent& event);

// The complete "room.event" frame.
std::string encode_room_event(const RoomEvent& event);

// The same body and frame as text, with `content` (the text of a JSON object, as the server stored
// it; event.content is ignored) spliced in without being parsed: history pages and replays send
// stored entries by the thousand. Content never uses the header's keys (room, seq, ts, type,
// author). nullopt when `content` is not an object's text.
std::optional<std::string> room_event_body_text(const RoomEvent& event, std::string_view content);
std::optional<std::string> encode_room_event_text(const RoomEvent& event, std::string_view content);

}  // namespace musubi::protocol
