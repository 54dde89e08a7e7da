#include "storage/notifications.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

std::int64_t insert_notification(Database& db, const NewNotification& n) {
  db.prepare(
        "INSERT INTO notifications (user_id, room_id, seq, kind, requires_ack, emergency_seq, "
        "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, n.user_id)
      .bind(2, n.room_id)
      .bind(3, n.seq)
      .bind(4, n.kind)
      .bind(5, n.requires_ack ? 1 : 0)
      .bind(6, n.emergency_seq)
      .bind(7, n.created_ms)
      .run();
  return db.last_insert_rowid();
}

namespace {

// The entry and room are joined only through the user's membership: a former member keeps the
// pointer but no longer sees what it points to.
constexpr const char* kSelect =
    "SELECT n.id, n.kind, n.room_id, r.public_id, n.seq, n.requires_ack, n.emergency_seq, "
    "  n.created_ms, n.read_ms IS NOT NULL, "
    "  EXISTS (SELECT 1 FROM acknowledgements a WHERE a.room_id = n.room_id AND a.seq = n.seq "
    "          AND a.user_id = n.user_id AND a.acked_ms IS NOT NULL), "
    "  m.user_id IS NOT NULL, r.title, e.type, e.content, e.template, au.login, au.name "
    "FROM notifications n JOIN rooms r ON r.id = n.room_id "
    "LEFT JOIN members m ON m.room_id = n.room_id AND m.user_id = n.user_id "
    "LEFT JOIN events e ON e.room_id = n.room_id AND e.seq = n.seq "
    "LEFT JOIN users au ON au.id = e.author_id ";

Notification read_row(Statement& st) {
  Notification n;
  n.id = st.int64(0);
  n.kind = st.text(1);
  n.room_id = st.int64(2);
  n.room_public_id = st.text(3);
  n.seq = st.int64(4);
  n.requires_ack = st.int64(5) != 0;
  if (!st.is_null(6)) n.emergency_seq = st.int64(6);
  n.created_ms = st.int64(7);
  n.read = st.int64(8) != 0;
  n.acknowledged = st.int64(9) != 0;
  n.member = st.int64(10) != 0;
  if (n.member) {
    n.room_title = st.text(11);
    n.entry_type = st.text(12);
    n.entry_content = st.text(13);
    if (!st.is_null(14)) n.entry_template = st.text(14);
    n.author_login = st.text(15);
    n.author_name = st.text(16);
  }
  return n;
}

}  // namespace

std::vector<Notification> list_notifications(Database& db, const InboxQuery& query) {
  auto& st = db.prepare(std::string(kSelect) +
                        "WHERE n.user_id = ?1 AND n.id < ?2 AND (?3 = 0 OR n.read_ms IS NULL) "
                        "ORDER BY n.id DESC LIMIT ?4");
  st.bind(1, query.user_id)
      .bind(2, query.before.value_or(INT64_MAX))
      .bind(3, query.unread_only ? 1 : 0)
      .bind(4, query.limit);
  std::vector<Notification> out;
  while (st.step())
    out.push_back(read_row(st));
  return out;
}

std::optional<Notification> find_notification(Database& db, std::int64_t user_id, std::int64_t id) {
  auto& st = db.prepare(std::string(kSelect) + "WHERE n.user_id = ?1 AND n.id = ?2");
  st.bind(1, user_id).bind(2, id);
  if (!st.step()) return std::nullopt;
  auto n = read_row(st);
  st.reset();
  return n;
}

std::int64_t count_unread_notifications(Database& db, std::int64_t user_id) {
  auto& st = db.prepare("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_ms IS NULL");
  st.bind(1, user_id);
  st.step();
  const auto n = st.int64(0);
  st.reset();
  return n;
}

std::int64_t mark_notifications_read(Database& db, std::int64_t user_id,
                                     const std::vector<std::int64_t>& ids, std::int64_t now_ms) {
  if (ids.empty()) {
    db.prepare("UPDATE notifications SET read_ms = ? WHERE user_id = ? AND read_ms IS NULL")
        .bind(1, now_ms)
        .bind(2, user_id)
        .run();
    return db.changes();
  }
  std::int64_t changed = 0;
  auto& st = db.prepare(
      "UPDATE notifications SET read_ms = ? WHERE id = ? AND user_id = ? AND read_ms IS NULL");
  for (const auto id : ids) {
    st.reset().bind(1, now_ms).bind(2, id).bind(3, user_id).run();
    changed += db.changes();
  }
  return changed;
}

std::int64_t mark_entry_notifications_read(Database& db, std::int64_t user_id, std::int64_t room_id,
                                           std::int64_t seq, std::int64_t now_ms) {
  db.prepare(
        "UPDATE notifications SET read_ms = ? "
        "WHERE user_id = ? AND room_id = ? AND seq = ? AND read_ms IS NULL")
      .bind(1, now_ms)
      .bind(2, user_id)
      .bind(3, room_id)
      .bind(4, seq)
      .run();
  return db.changes();
}

}  // namespace musubi::storage
