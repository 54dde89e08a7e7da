#include "storage/events.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

std::int64_t last_seq(Database& db, std::int64_t room_id) {
  auto& st = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM events WHERE room_id = ?");
  st.bind(1, room_id).step();
  const auto seq = st.int64(0);
  st.reset();
  return seq;
}

std::int64_t append_event(Database& db, const NewEvent& event) {
  const std::int64_t seq = last_seq(db, event.room_id) + 1;
  db.prepare(
        "INSERT INTO events (room_id, seq, ts_ms, type, author_id, content, nonce) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, event.room_id)
      .bind(2, seq)
      .bind(3, event.ts_ms)
      .bind(4, event.type)
      .bind(5, event.author_id)
      .bind(6, event.content)
      .bind(7, event.nonce)
      .run();
  return seq;
}

std::optional<SeqAndTime> find_event_by_nonce(Database& db, std::int64_t author_id,
                                              std::int64_t room_id, std::string_view nonce) {
  auto& st =
      db.prepare("SELECT seq, ts_ms FROM events WHERE author_id = ? AND room_id = ? AND nonce = ?");
  st.bind(1, author_id).bind(2, room_id).bind(3, nonce);
  std::optional<SeqAndTime> found;
  if (st.step()) found = SeqAndTime{st.int64(0), st.int64(1)};
  st.reset();
  return found;
}

std::vector<StoredEvent> events_in_range(Database& db, std::int64_t room_id,
                                         const EventRange& range) {
  // Two statements rather than a spliced ORDER BY: SQL text never depends on input.
  constexpr const char* kAscending =
      "SELECT e.seq, e.ts_ms, e.type, u.login, u.name, e.content FROM events e "
      "JOIN users u ON u.id = e.author_id "
      "WHERE e.room_id = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq ASC LIMIT ?";
  constexpr const char* kDescending =
      "SELECT e.seq, e.ts_ms, e.type, u.login, u.name, e.content FROM events e "
      "JOIN users u ON u.id = e.author_id "
      "WHERE e.room_id = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq DESC LIMIT ?";
  auto& st = db.prepare(range.newest_first ? kDescending : kAscending);
  st.bind(1, room_id).bind(2, range.from).bind(3, range.to).bind(4, range.limit);
  std::vector<StoredEvent> events;
  while (st.step()) {
    StoredEvent e;
    e.room_id = room_id;
    e.seq = st.int64(0);
    e.ts_ms = st.int64(1);
    e.type = st.text(2);
    e.author_login = st.text(3);
    e.author_name = st.text(4);
    e.content = st.text(5);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace musubi::storage
