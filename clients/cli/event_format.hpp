#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace musubi::cli {

// One room event (a room.event body or a room.history entry) as a line for people, without the
// newline: "#SEQ TIME AUTHOR-NAME: TEXT" for messages (local time, to the minute; further lines
// of a message indented), and a sentence for the room's opening, membership changes and closing,
// e.g. "#2 2026-05-01 09:12 佐藤 一郎 added 田中 花子 (tanaka) as member" or "#9 ... 佐藤 一郎
// closed the room (death): NOTE; it is now read-only". Text is terminal_safe().
std::string format_event_text(const nlohmann::json& event);

// The same event as one compact JSON object for scripts: room, seq, ts, type, author (the login)
// and author_name, then the type's own fields ("text"; "member" (a login), "member_name" and
// "role"; "title", "patient", "physician_participates", "stand_in_kind"; "reason", "note").
// UTF-8 is written as it is, not \u-escaped.
std::string format_event_json(const nlohmann::json& event);

}  // namespace musubi::cli
