#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

struct NewEvent {
  std::int64_t room_id = 0;
  std::string type;
  std::int64_t author_id = 0;
  std::string content;  // JSON object text, type-specific
  std::optional<std::string> nonce;
  std::int64_t ts_ms = 0;
  std::optional<std::string> template_id;  // record: the template it follows
  std::optional<std::int64_t> refers_to;   // revision, withdrawal: the seq concerned
};

// An entry of a room's log with its author's login and name.
struct StoredEvent {
  std::int64_t room_id = 0;
  std::int64_t seq = 0;
  std::int64_t ts_ms = 0;
  std::string type;
  std::int64_t author_id = 0;
  std::string author_login;
  std::string author_name;
  std::string content;
  std::optional<std::string> template_id;
  std::optional<std::int64_t> refers_to;
};

// Appends with the room's next seq (gapless: it is the writer's transaction that picks it) and
// returns that seq.
std::int64_t append_event(Database& db, const NewEvent& event);

// The seq and timestamp of an earlier event with this author, room and nonce, if any.
struct SeqAndTime {
  std::int64_t seq = 0;
  std::int64_t ts_ms = 0;
};
std::optional<SeqAndTime> find_event_by_nonce(Database& db, std::int64_t author_id,
                                              std::int64_t room_id, std::string_view nonce);

std::int64_t last_seq(Database& db, std::int64_t room_id);

struct EventRange {
  std::int64_t from = 1;        // inclusive
  std::int64_t to = INT64_MAX;  // inclusive
  bool newest_first = false;
  std::int64_t limit = 50;
};

// One event by seq; nullopt when the room has no such seq.
std::optional<StoredEvent> find_event(Database& db, std::int64_t room_id, std::int64_t seq);

// The newest event of `type` that refers to `seq` (its latest revision, or its withdrawal).
std::optional<StoredEvent> latest_reference(Database& db, std::int64_t room_id, std::int64_t seq,
                                            std::string_view type);

// The room's newest record of a template that has not been withdrawn: its "current" one.
std::optional<StoredEvent> current_record(Database& db, std::int64_t room_id,
                                          std::string_view template_id);

std::vector<StoredEvent> events_in_range(Database& db, std::int64_t room_id,
                                         const EventRange& range);

}  // namespace musubi::storage
