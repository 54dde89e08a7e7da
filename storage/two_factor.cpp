#include "storage/two_factor.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

TotpState totp_state(Database& db, std::int64_t user_id) {
  auto& st = db.prepare(
      "SELECT totp_pending, totp_secret, totp_enabled_ms, totp_last_step FROM users WHERE id = ?");
  st.bind(1, user_id);
  TotpState state;
  if (st.step()) {
    if (!st.is_null(0)) state.pending = st.blob(0);
    if (!st.is_null(1)) state.secret = st.blob(1);
    if (!st.is_null(2)) state.enabled_ms = st.int64(2);
    state.last_step = st.int64(3);
  }
  st.reset();
  return state;
}

void set_pending_totp(Database& db, std::int64_t user_id, std::span<const unsigned char> secret) {
  db.prepare("UPDATE users SET totp_pending = ? WHERE id = ?")
      .bind_blob(1, secret.data(), secret.size())
      .bind(2, user_id)
      .run();
}

void enable_totp(Database& db, std::int64_t user_id, std::int64_t step, std::int64_t now_ms) {
  db.prepare(
        "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_enabled_ms = ?, "
        "totp_last_step = ? WHERE id = ? AND totp_pending IS NOT NULL")
      .bind(1, now_ms)
      .bind(2, step)
      .bind(3, user_id)
      .run();
}

bool use_totp_step(Database& db, std::int64_t user_id, std::int64_t step) {
  db.prepare("UPDATE users SET totp_last_step = ?1 WHERE id = ?2 AND totp_last_step < ?1")
      .bind(1, step)
      .bind(2, user_id)
      .run();
  return db.changes() == 1;
}

void disable_totp(Database& db, std::int64_t user_id) {
  db.prepare(
        "UPDATE users SET totp_pending = NULL, totp_secret = NULL, totp_enabled_ms = NULL, "
        "totp_last_step = 0 WHERE id = ?")
      .bind(1, user_id)
      .run();
  db.prepare("DELETE FROM recovery_codes WHERE user_id = ?").bind(1, user_id).run();
}

void replace_recovery_codes(Database& db, std::int64_t user_id,
                            std::span<const std::vector<unsigned char>> code_hashes) {
  db.prepare("DELETE FROM recovery_codes WHERE user_id = ?").bind(1, user_id).run();
  auto& insert = db.prepare("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)");
  for (const auto& hash : code_hashes) {
    insert.reset().bind(1, user_id).bind_blob(2, hash.data(), hash.size()).run();
  }
}

bool use_recovery_code(Database& db, std::int64_t user_id, std::span<const unsigned char> code_hash,
                       std::int64_t now_ms) {
  db.prepare(
        "UPDATE recovery_codes SET used_ms = ? WHERE user_id = ? AND code_hash = ? "
        "AND used_ms IS NULL")
      .bind(1, now_ms)
      .bind(2, user_id)
      .bind_blob(3, code_hash.data(), code_hash.size())
      .run();
  return db.changes() == 1;
}

std::int64_t unused_recovery_codes(Database& db, std::int64_t user_id) {
  auto& st =
      db.prepare("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_ms IS NULL");
  st.bind(1, user_id);
  st.step();
  const auto count = st.int64(0);
  st.reset();
  return count;
}

}  // namespace musubi::storage
