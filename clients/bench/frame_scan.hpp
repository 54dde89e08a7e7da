#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace musubi::bench {

// Reads the few fields the load generator needs straight from the text of server frames, without
// a JSON parser: at tens of thousands of frames a second the generator's own CPU is part of the
// measurement. It relies on the server's compact JSON with sorted keys ({"id":..} or
// {"error":..,"id":..} for replies, {"body":{..},"event":".."} for events).

struct Reply {
  std::int64_t id = 0;
  bool ok = false;
  std::optional<std::int64_t> seq;  // result.seq (room.post)
  bool duplicate = false;           // result.duplicate: a repeated nonce
  std::string_view error_code;      // when !ok
};
// nullopt when the frame is not a reply with an integer id.
std::optional<Reply> scan_reply(std::string_view frame);

struct RoomEventFields {
  std::string_view room;
  std::int64_t seq = 0;
  std::optional<std::int64_t> sent_ns;  // from a bench post's text "b<ns> ..."
};
// nullopt when the frame is not a room.event.
std::optional<RoomEventFields> scan_room_event(std::string_view frame);

// The text of a bench post: "b<sent_ns> " padded with 'x' to `bytes`.
std::string bench_text(std::int64_t sent_ns, std::size_t bytes);

}  // namespace musubi::bench
