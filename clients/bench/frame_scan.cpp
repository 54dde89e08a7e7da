#include "clients/bench/frame_scan.hpp"

#include <charconv>
#include <string>

namespace musubi::bench {

namespace {

std::optional<std::int64_t> integer_after(std::string_view text, std::size_t at) {
  std::int64_t value = 0;
  const auto* first = text.data() + at;
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec != std::errc() || end == first) return std::nullopt;
  return value;
}

std::string_view string_after(std::string_view text, std::size_t at) {
  const auto end = text.find('"', at);
  return end == std::string_view::npos ? std::string_view{} : text.substr(at, end - at);
}

}  // namespace

std::optional<Reply> scan_reply(std::string_view frame) {
  // Sorted keys: {"id":N,"ok":true,"result":{..}} or {"error":{..},"id":N,"ok":false}.
  constexpr std::string_view ok_head = "{\"id\":";
  constexpr std::string_view error_head = "{\"error\":";
  constexpr std::string_view error_id = ",\"id\":";
  Reply r;
  std::optional<std::int64_t> id;
  if (frame.starts_with(ok_head)) {
    id = integer_after(frame, ok_head.size());
    r.ok = frame.find("\"ok\":true") != std::string_view::npos;
  } else if (frame.starts_with(error_head)) {
    if (const auto at = frame.rfind(error_id); at != std::string_view::npos) {
      id = integer_after(frame, at + error_id.size());
    }
  }
  if (!id) return std::nullopt;
  r.id = *id;
  if (r.ok) {
    r.duplicate = frame.find("\"duplicate\":true") != std::string_view::npos;
    constexpr std::string_view seq = "\"seq\":";
    if (const auto at = frame.rfind(seq); at != std::string_view::npos) {
      r.seq = integer_after(frame, at + seq.size());
    }
  } else {
    constexpr std::string_view code = R"("code":")";
    if (const auto at = frame.find(code); at != std::string_view::npos) {
      r.error_code = string_after(frame, at + code.size());
    }
  }
  return r;
}

std::optional<RoomEventFields> scan_room_event(std::string_view frame) {
  if (!frame.ends_with(R"("event":"room.event"})")) return std::nullopt;
  RoomEventFields f;
  constexpr std::string_view seq = "\"seq\":";
  constexpr std::string_view room = R"("room":")";
  constexpr std::string_view text = R"("text":"b)";
  // In both of the server's encodings (json's sorted keys, and the spliced text of history and
  // replay) author, room and seq come first, in that order, and a message's text after them.
  // Strings inside are JSON-escaped, so a quote-led key cannot appear within them.
  const auto room_at = frame.find(room);
  const auto seq_at = frame.find(seq, room_at);
  if (room_at == std::string_view::npos || seq_at == std::string_view::npos) return std::nullopt;
  const auto n = integer_after(frame, seq_at + seq.size());
  if (!n) return std::nullopt;
  f.seq = *n;
  f.room = string_after(frame, room_at + room.size());
  if (const auto at = frame.find(text, seq_at); at != std::string_view::npos) {
    f.sent_ns = integer_after(frame, at + text.size());
  }
  return f;
}

std::string bench_text(std::int64_t sent_ns, std::size_t bytes) {
  std::string text = "b" + std::to_string(sent_ns) + " ";
  if (text.size() < bytes) text.append(bytes - text.size(), 'x');
  return text;
}

}  // namespace musubi::bench
