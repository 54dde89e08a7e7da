#include "storage/events.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

constexpr const char* kEventColumns =
    "SELECT e.seq, e.ts_ms, e.type, e.author_id, u.login, u.name, e.content, e.template, "
    "e.refers_to FROM events e JOIN users u ON u.id = e.author_id ";

StoredEvent read_event(const Statement& st, std::int64_t room_id) {
  StoredEvent e;
  e.room_id = room_id;
  e.seq = st.int64(0);
  e.ts_ms = st.int64(1);
  e.type = st.text(2);
  e.author_id = st.int64(3);
  e.author_login = st.text(4);
  e.author_name = st.text(5);
  e.content = st.text(6);
  if (!st.is_null(7)) e.template_id = st.text(7);
  if (!st.is_null(8)) e.refers_to = st.int64(8);
  return e;
}

std::optional<StoredEvent> one_event(Statement& st, std::int64_t room_id) {
  std::optional<StoredEvent> found;
  if (st.step()) found = read_event(st, room_id);
  st.reset();
  return found;
}

}  // namespace

std::optional<StoredEvent> find_event(Database& db, std::int64_t room_id, std::int64_t seq) {
  return one_event(db.prepare(std::string(kEventColumns) + "WHERE e.room_id = ? AND e.seq = ?")
                       .bind(1, room_id)
                       .bind(2, seq),
                   room_id);
}

std::optional<StoredEvent> latest_reference(Database& db, std::int64_t room_id, std::int64_t seq,
                                            std::string_view type) {
  return one_event(db.prepare(std::string(kEventColumns) +
                              "WHERE e.room_id = ? AND e.refers_to = ? AND e.type = ? "
                              "ORDER BY e.seq DESC LIMIT 1")
                       .bind(1, room_id)
                       .bind(2, seq)
                       .bind(3, type),
                   room_id);
}

std::optional<StoredEvent> current_record(Database& db, std::int64_t room_id,
                                          std::string_view template_id) {
  return one_event(
      db.prepare(std::string(kEventColumns) +
                 "WHERE e.room_id = ?1 AND e.template = ?2 AND e.type = 'record' AND NOT EXISTS "
                 "(SELECT 1 FROM events w WHERE w.room_id = ?1 AND w.refers_to = e.seq AND "
                 "w.type = 'withdrawal') ORDER BY e.seq DESC LIMIT 1")
          .bind(1, room_id)
          .bind(2, template_id),
      room_id);
}

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
        "INSERT INTO events (room_id, seq, ts_ms, type, author_id, content, nonce, template, "
        "refers_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, event.room_id)
      .bind(2, seq)
      .bind(3, event.ts_ms)
      .bind(4, event.type)
      .bind(5, event.author_id)
      .bind(6, event.content)
      .bind(7, event.nonce)
      .bind(8, event.template_id)
      .bind(9, event.refers_to)
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
  const std::string ascending = std::string(kEventColumns) +
                                "WHERE e.room_id = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq ASC "
                                "LIMIT ?";
  const std::string descending = std::string(kEventColumns) +
                                 "WHERE e.room_id = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq "
                                 "DESC LIMIT ?";
  auto& st = db.prepare(range.newest_first ? descending : ascending);
  st.bind(1, room_id).bind(2, range.from).bind(3, range.to).bind(4, range.limit);
  std::vector<StoredEvent> events;
  while (st.step())
    events.push_back(read_event(st, room_id));
  return events;
}

}  // namespace musubi::storage
