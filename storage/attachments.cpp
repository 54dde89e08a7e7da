#include "storage/attachments.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

std::int64_t insert_attachment(Database& db, const Attachment& a) {
  db.prepare(
        "INSERT INTO attachments (public_id, room_id, uploader_id, sha256, media_type, size, "
        "name, uploaded_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, a.public_id)
      .bind(2, a.room_id)
      .bind(3, a.uploader_id)
      .bind(4, a.sha256)
      .bind(5, a.media_type)
      .bind(6, a.size)
      .bind(7, a.name)
      .bind(8, a.uploaded_ms)
      .run();
  return db.last_insert_rowid();
}

std::optional<Attachment> find_attachment(Database& db, std::string_view public_id) {
  auto& st = db.prepare(
      "SELECT id, room_id, uploader_id, sha256, media_type, size, name, uploaded_ms, event_seq "
      "FROM attachments WHERE public_id = ?");
  st.bind(1, public_id);
  std::optional<Attachment> found;
  if (st.step()) {
    Attachment a;
    a.id = st.int64(0);
    a.public_id = std::string(public_id);
    a.room_id = st.int64(1);
    a.uploader_id = st.int64(2);
    a.sha256 = st.text(3);
    a.media_type = st.text(4);
    a.size = st.int64(5);
    a.name = st.text(6);
    a.uploaded_ms = st.int64(7);
    if (!st.is_null(8)) a.event_seq = st.int64(8);
    found = std::move(a);
  }
  st.reset();
  return found;
}

void attach_to_event(Database& db, std::int64_t attachment_id, std::int64_t seq) {
  db.prepare("UPDATE attachments SET event_seq = ? WHERE id = ?")
      .bind(1, seq)
      .bind(2, attachment_id)
      .run();
}

}  // namespace musubi::storage
