#include "storage/audit.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

void append_audit(Database& db, std::int64_t ts_ms, std::optional<std::int64_t> actor_id,
                  std::string_view action, std::optional<std::int64_t> room_id,
                  std::string_view detail) {
  db.prepare("INSERT INTO audit (ts_ms, actor_id, action, room_id, detail) VALUES (?, ?, ?, ?, ?)")
      .bind(1, ts_ms)
      .bind(2, actor_id)
      .bind(3, action)
      .bind(4, room_id)
      .bind(5, detail)
      .run();
}

}  // namespace musubi::storage
