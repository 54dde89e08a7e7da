#include "storage/acknowledgements.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

void require_acknowledgement(Database& db, std::int64_t room_id, std::int64_t seq,
                             const std::vector<std::int64_t>& user_ids) {
  auto& st = db.prepare(
      "INSERT INTO acknowledgements (room_id, seq, user_id, required) VALUES (?, ?, ?, 1) "
      "ON CONFLICT (room_id, seq, user_id) DO UPDATE SET required = 1");
  for (const auto user : user_ids)
    st.reset().bind(1, room_id).bind(2, seq).bind(3, user).run();
}

bool acknowledge(Database& db, std::int64_t room_id, std::int64_t seq, std::int64_t user_id,
                 std::string_view note, std::int64_t now_ms) {
  db.prepare(
        "INSERT INTO acknowledgements (room_id, seq, user_id, acked_ms, note) VALUES (?, ?, ?, ?, "
        "?) "
        "ON CONFLICT (room_id, seq, user_id) DO UPDATE SET acked_ms = excluded.acked_ms, "
        "  note = excluded.note WHERE acked_ms IS NULL")
      .bind(1, room_id)
      .bind(2, seq)
      .bind(3, user_id)
      .bind(4, now_ms)
      .bind(5, note)
      .run();
  return db.changes() > 0;
}

void release_acknowledgements(Database& db, std::int64_t room_id, std::int64_t seq) {
  db.prepare(
        "UPDATE acknowledgements SET required = 0 "
        "WHERE room_id = ? AND seq = ? AND acked_ms IS NULL")
      .bind(1, room_id)
      .bind(2, seq)
      .run();
}

std::vector<AckState> acknowledgement_states(Database& db, std::int64_t room_id,
                                             std::optional<std::int64_t> seq) {
  auto& st = db.prepare(
      "SELECT a.seq, a.user_id, u.login, u.name, u.profession, a.required, a.acked_ms, a.note "
      "FROM acknowledgements a JOIN users u ON u.id = a.user_id "
      "JOIN members m ON m.room_id = a.room_id AND m.user_id = a.user_id "
      "WHERE a.room_id = ?1 AND (?2 IS NULL AND a.seq IN "
      "    (SELECT p.seq FROM acknowledgements p "
      "     JOIN members pm ON pm.room_id = p.room_id AND pm.user_id = p.user_id "
      "     WHERE p.room_id = ?1 AND p.required = 1 AND p.acked_ms IS NULL) OR a.seq = ?2) "
      "ORDER BY a.seq, a.required DESC, u.login");
  st.bind(1, room_id).bind(2, seq);
  std::vector<AckState> out;
  while (st.step()) {
    AckState a;
    a.seq = st.int64(0);
    a.user_id = st.int64(1);
    a.login = st.text(2);
    a.name = st.text(3);
    a.profession = st.text(4);
    a.required = st.int64(5) != 0;
    if (!st.is_null(6)) a.acked_ms = st.int64(6);
    a.note = st.text(7);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace musubi::storage
