#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace musubi::cli {

// One room event (a room.event body or a room.history entry) as a line for people, without the
// newline: "#SEQ TIME AUTHOR-NAME: TEXT" for messages (local time, to the minute; further lines
// of a message indented; then " [宛先 to: @login, 職種 code] [要確認]" when it calls on someone),
// and a sentence for the room's opening, membership changes and closing, e.g. "#2 2026-05-01
// 09:12 佐藤 一郎 added 田中 花子 (tanaka) as member" or "#9 ... 佐藤 一郎 closed the room
// (death): NOTE; it is now read-only", and for an emergency call's entries, in Japanese first,
// e.g. "#7 ... 加藤 ヘルパー: 緊急連絡 (emergency call): NOTE; 連絡 (alerted): 佐藤 花子 (sato)".
// Text is terminal_safe().
std::string format_event_text(const nlohmann::json& event);

// An emergency's outcome as "在宅で様子を見る (stable_at_home)"; an unknown code as it is.
std::string outcome_text(std::string_view code);

// The same event as one compact JSON object for scripts: room, seq, ts, type, author (the login)
// and author_name, then the type's own fields ("text"; "member" (a login), "member_name" and
// "role"; "title", "patient", "physician_participates", "stand_in_kind"; "reason", "note").
// UTF-8 is written as it is, not \u-escaped.
std::string format_event_json(const nlohmann::json& event);

// A notification (the `notification` event, an inbox.list item) as a line for people: "[通知 ID]
// TIME NOTICE: ROOM #SEQ [要確認] ROOM-TITLE / AUTHOR: EXCERPT". Text is terminal_safe().
std::string format_notification_text(const nlohmann::json& notification);

// The same notification as one compact JSON object with "event": "notification" added, to tell
// it from room events (which have "type").
std::string format_notification_json(const nlohmann::json& notification);

}  // namespace musubi::cli
