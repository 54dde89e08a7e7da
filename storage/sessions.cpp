#include "storage/sessions.hpp"

#include "storage/database.hpp"
#include "storage/statement.hpp"

namespace musubi::storage {

std::int64_t insert_session(Database& db, std::int64_t user_id,
                            std::span<const unsigned char> token_hash, std::string_view device,
                            std::int64_t now_ms, std::int64_t expires_ms, std::string_view peer) {
  db.prepare(
        "INSERT INTO sessions (user_id, token_hash, device, created_ms, last_used_ms, expires_ms, "
        "last_peer) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, user_id)
      .bind_blob(2, token_hash.data(), token_hash.size())
      .bind(3, device)
      .bind(4, now_ms)
      .bind(5, now_ms)
      .bind(6, expires_ms)
      .bind(7, peer.data() ? peer : std::string_view(""))  // a null pointer would bind NULL
      .run();
  return db.last_insert_rowid();
}

namespace {

#define MUSUBI_SESSION_COLUMNS                                                                 \
  "SELECT id, user_id, device, created_ms, last_used_ms, expires_ms, revoked_ms IS NOT NULL, " \
  "last_peer FROM sessions "

SessionRecord session_of(Statement& st) {
  SessionRecord s;
  s.id = st.int64(0);
  s.user_id = st.int64(1);
  s.device = st.text(2);
  s.created_ms = st.int64(3);
  s.last_used_ms = st.int64(4);
  s.expires_ms = st.int64(5);
  s.revoked = st.int64(6) != 0;
  s.last_peer = st.text(7);
  return s;
}

}  // namespace

std::optional<SessionRecord> find_session_by_token_hash(Database& db,
                                                        std::span<const unsigned char> token_hash) {
  auto& st = db.prepare(MUSUBI_SESSION_COLUMNS "WHERE token_hash = ?");
  st.bind_blob(1, token_hash.data(), token_hash.size());
  std::optional<SessionRecord> found;
  if (st.step()) found = session_of(st);
  st.reset();
  return found;
}

std::optional<SessionRecord> find_session(Database& db, std::int64_t session_id) {
  auto& st = db.prepare(MUSUBI_SESSION_COLUMNS "WHERE id = ?");
  st.bind(1, session_id);
  std::optional<SessionRecord> found;
  if (st.step()) found = session_of(st);
  st.reset();
  return found;
}

std::vector<SessionRecord> live_sessions_of_user(Database& db, std::int64_t user_id,
                                                 std::int64_t now_ms) {
  auto& st = db.prepare(MUSUBI_SESSION_COLUMNS
                        "WHERE user_id = ? AND revoked_ms IS NULL AND expires_ms > ? "
                        "ORDER BY last_used_ms DESC, id DESC");
  st.bind(1, user_id);
  st.bind(2, now_ms);
  std::vector<SessionRecord> out;
  while (st.step())
    out.push_back(session_of(st));
  return out;
}

void set_session_peer(Database& db, std::int64_t session_id, std::string_view peer) {
  db.prepare("UPDATE sessions SET last_peer = ? WHERE id = ?")
      .bind(1, peer)
      .bind(2, session_id)
      .run();
}

void touch_session(Database& db, std::int64_t session_id, std::int64_t now_ms,
                   std::int64_t expires_ms) {
  db.prepare("UPDATE sessions SET last_used_ms = ?, expires_ms = ? WHERE id = ?")
      .bind(1, now_ms)
      .bind(2, expires_ms)
      .bind(3, session_id)
      .run();
}

bool revoke_session(Database& db, std::int64_t session_id, std::int64_t now_ms,
                    std::string_view reason) {
  db.prepare("UPDATE sessions SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL")
      .bind(1, now_ms)
      .bind(2, session_id)
      .run();
  if (db.changes() == 0) return false;
  db.prepare(
        "INSERT INTO revocations (user_id, session_id, reason, at_ms) "
        "SELECT user_id, id, ?, ? FROM sessions WHERE id = ?")
      .bind(1, reason)
      .bind(2, now_ms)
      .bind(3, session_id)
      .run();
  return true;
}

std::int64_t revoke_user_sessions(Database& db, std::int64_t user_id, std::int64_t now_ms,
                                  std::string_view reason) {
  auto& count = db.prepare(
      "SELECT COUNT(*) FROM sessions WHERE user_id = ? AND revoked_ms IS NULL AND expires_ms > ?");
  count.bind(1, user_id);
  count.bind(2, now_ms);
  count.step();
  const auto live = count.int64(0);
  count.reset();
  db.prepare("UPDATE sessions SET revoked_ms = ? WHERE user_id = ? AND revoked_ms IS NULL")
      .bind(1, now_ms)
      .bind(2, user_id)
      .run();
  db.prepare(
        "INSERT INTO revocations (user_id, session_id, reason, at_ms, up_to_session) "
        "VALUES (?1, NULL, ?2, ?3, (SELECT COALESCE(MAX(id), 0) FROM sessions WHERE user_id = ?1))")
      .bind(1, user_id)
      .bind(2, reason)
      .bind(3, now_ms)
      .run();
  return live;
}

std::vector<Revocation> revocations_after(Database& db, std::int64_t after_id) {
  auto& st = db.prepare(
      "SELECT id, user_id, session_id, reason, up_to_session FROM revocations WHERE id > ? ORDER "
      "BY id LIMIT 1000");
  st.bind(1, after_id);
  std::vector<Revocation> out;
  while (st.step()) {
    Revocation r;
    r.id = st.int64(0);
    r.user_id = st.int64(1);
    if (!st.is_null(2)) r.session_id = st.int64(2);
    r.reason = st.text(3);
    if (!st.is_null(4)) r.up_to_session = st.int64(4);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t last_revocation_id(Database& db) {
  auto& st = db.prepare("SELECT COALESCE(MAX(id), 0) FROM revocations");
  st.step();
  const auto id = st.int64(0);
  st.reset();
  return id;
}

}  // namespace musubi::storage
