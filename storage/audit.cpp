#include "storage/audit.hpp"

#include <string>

#include "storage/database.hpp"

namespace musubi::storage {

void append_audit(Database& db, std::int64_t ts_ms, std::optional<std::int64_t> actor_id,
                  std::string_view action, std::optional<std::int64_t> room_id,
                  std::string_view detail) {
  // One statement: the id, the previous hash and the new hash are read and written atomically,
  // whichever process appends.
  db.prepare(
        "INSERT INTO audit (id, ts_ms, actor_id, action, room_id, detail, hash) "
        "SELECT last.id + 1, ?1, ?2, ?3, ?4, ?5, "
        "       musubi_audit_hash(last.hash, last.id + 1, ?1, ?2, ?3, ?4, ?5) "
        "FROM (SELECT COALESCE(MAX(id), 0) AS id, "
        "             (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) AS hash FROM audit) AS "
        "last")
      .bind(1, ts_ms)
      .bind(2, actor_id)
      .bind(3, action)
      .bind(4, room_id)
      .bind(5, detail)
      .run();
}

std::vector<AuditEntry> list_audit(Database& db, const AuditQuery& query) {
  // Optional filters are bound as NULL and short-circuit, so one prepared statement per order
  // serves every combination.
  static const std::string kSelect = R"sql(
SELECT a.id, a.ts_ms, a.actor_id, COALESCE(u.login, ''), a.action, a.room_id,
       COALESCE(r.public_id, ''), a.detail
FROM audit a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN rooms r ON r.id = a.room_id
WHERE a.ts_ms >= ?1 AND a.ts_ms < ?2
  AND (?3 IS NULL OR a.actor_id = ?3) AND (?4 IS NULL OR a.room_id = ?4)
  AND (?5 IS NULL OR a.action = ?5
       OR (substr(?5, -1) = '.' AND substr(a.action, 1, length(?5)) = ?5))
  AND (?6 IS NULL OR a.id < ?6) AND (?7 IS NULL OR a.id > ?7)
)sql";
  static const std::string kNewestFirst = kSelect + "ORDER BY a.id DESC LIMIT ?8";
  static const std::string kOldestFirst = kSelect + "ORDER BY a.id LIMIT ?8";
  auto& st = db.prepare(query.newest_first ? kNewestFirst : kOldestFirst);
  st.bind(1, query.from_ms)
      .bind(2, query.to_ms)
      .bind(3, query.actor_id)
      .bind(4, query.room_id)
      .bind(5, query.action)
      .bind(6, query.before_id)
      .bind(7, query.after_id)
      .bind(8, query.limit);
  std::vector<AuditEntry> out;
  while (st.step()) {
    AuditEntry e;
    e.id = st.int64(0);
    e.ts_ms = st.int64(1);
    if (!st.is_null(2)) e.actor_id = st.int64(2);
    e.actor_login = st.text(3);
    e.action = st.text(4);
    if (!st.is_null(5)) e.room_id = st.int64(5);
    e.room = st.text(6);
    e.detail = st.text(7);
    out.push_back(std::move(e));
  }
  st.reset();
  return out;
}

}  // namespace musubi::storage
