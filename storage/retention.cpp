#include "storage/retention.hpp"

#include <string>

#include "storage/audit.hpp"
#include "storage/database.hpp"

namespace musubi::storage {

namespace {

// Runs a DELETE bound to the room and returns how many rows it removed.
std::int64_t delete_of_room(Database& db, std::string_view sql, std::int64_t room_id) {
  db.prepare(sql).bind(1, room_id).run();
  return db.changes();
}

}  // namespace

std::vector<ClosedRoom> closed_rooms(Database& db) {
  auto& st = db.prepare(
      "SELECT r.id, r.public_id, r.closed_ms, "
      "  (SELECT COUNT(*) FROM events e WHERE e.room_id = r.id), "
      "  (SELECT COUNT(*) FROM attachments a WHERE a.room_id = r.id) "
      "FROM rooms r WHERE r.closed_ms IS NOT NULL AND r.purged_ms IS NULL "
      "ORDER BY r.closed_ms, r.id");
  std::vector<ClosedRoom> rooms;
  while (st.step()) {
    rooms.push_back(ClosedRoom{st.int64(0), st.text(1), st.int64(2), st.int64(3), st.int64(4)});
  }
  return rooms;
}

PurgeOutcome purge_room(Database& db, std::int64_t room_id, std::int64_t now_ms,
                        std::string_view detail_suffix) {
  PurgeOutcome out;
  Transaction tx(db, Transaction::Kind::immediate);
  // The tombstone first: it also checks, under the write lock, that the room is closed and
  // still holds its content.
  db.prepare(
        "UPDATE rooms SET purged_ms = ?1, close_note = '' "
        "WHERE id = ?2 AND closed_ms IS NOT NULL AND purged_ms IS NULL")
      .bind(1, now_ms)
      .bind(2, room_id)
      .run();
  if (db.changes() == 0) return out;  // rolled back: nothing was changed

  {
    auto& st = db.prepare("SELECT DISTINCT sha256 FROM attachments WHERE room_id = ?");
    st.bind(1, room_id);
    while (st.step())
      out.unreferenced_files.push_back(st.text(0));
  }
  // Rows pointing at the room's entries go before the entries and the room's members.
  out.notifications = delete_of_room(db, "DELETE FROM notifications WHERE room_id = ?", room_id);
  out.acknowledgements =
      delete_of_room(db, "DELETE FROM acknowledgements WHERE room_id = ?", room_id);
  out.emergencies = delete_of_room(db, "DELETE FROM emergencies WHERE room_id = ?", room_id);
  out.attachments = delete_of_room(db, "DELETE FROM attachments WHERE room_id = ?", room_id);
  out.events = delete_of_room(db, "DELETE FROM events WHERE room_id = ?", room_id);
  out.members = delete_of_room(db, "DELETE FROM members WHERE room_id = ?", room_id);

  // Keep only the files no other room posted too.
  std::erase_if(out.unreferenced_files, [&db](const std::string& sha256) {
    return attachment_file_referenced(db, sha256);
  });

  append_audit(db, now_ms, std::nullopt, "retention.purge", room_id,
               "events=" + std::to_string(out.events) +
                   " attachments=" + std::to_string(out.attachments) + std::string(detail_suffix));
  tx.commit();
  out.purged = true;
  return out;
}

bool attachment_file_referenced(Database& db, std::string_view sha256) {
  auto& st = db.prepare("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1");
  st.bind(1, sha256);
  const bool found = st.step();
  st.reset();
  return found;
}

}  // namespace musubi::storage
