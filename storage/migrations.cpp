#include "storage/migrations.hpp"

#include <string>

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr const char* kMigrations[] = {
    // 1: users, sessions, rooms, members, the room event log, revocations, audit.
    R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  is_admin      INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_ms    INTEGER NOT NULL
);
-- Failed sign-ins are counted per login text, known or not, so that lockout reveals nothing
-- about which logins exist.
CREATE TABLE signin_failures (
  login           TEXT PRIMARY KEY,
  failures        INTEGER NOT NULL,
  locked_until    INTEGER NOT NULL,
  last_failure_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  token_hash   BLOB NOT NULL UNIQUE,
  device       TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL,
  expires_ms   INTEGER NOT NULL,
  revoked_ms   INTEGER
);
CREATE INDEX sessions_by_user ON sessions(user_id);
-- Every revocation (sign-out, disabled user) is appended here; the server follows this table so
-- that changes made by `musubid user disable` in another process close connections at once.
CREATE TABLE revocations (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL,
  session_id INTEGER,
  reason     TEXT NOT NULL,
  at_ms      INTEGER NOT NULL
);
CREATE TABLE rooms (
  id         INTEGER PRIMARY KEY,
  public_id  TEXT NOT NULL UNIQUE,
  title      TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_ms INTEGER NOT NULL
);
CREATE TABLE members (
  room_id  INTEGER NOT NULL REFERENCES rooms(id),
  user_id  INTEGER NOT NULL REFERENCES users(id),
  role     TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  added_by INTEGER NOT NULL,
  added_ms INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_user ON members(user_id, room_id);
-- The room log, in arrival order (a rowid table appends at the end of the b-tree; see DESIGN.md
-- for why this beats a (room, seq) primary key under group commit).
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  room_id   INTEGER NOT NULL REFERENCES rooms(id),
  seq       INTEGER NOT NULL,
  ts_ms     INTEGER NOT NULL,
  type      TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES users(id),
  content   TEXT NOT NULL,
  nonce     TEXT
);
CREATE UNIQUE INDEX events_by_room_seq ON events(room_id, seq);
CREATE UNIQUE INDEX events_by_nonce ON events(author_id, room_id, nonce) WHERE nonce IS NOT NULL;
CREATE TABLE audit (
  id       INTEGER PRIMARY KEY,
  ts_ms    INTEGER NOT NULL,
  actor_id INTEGER,
  action   TEXT NOT NULL,
  room_id  INTEGER,
  detail   TEXT NOT NULL DEFAULT ''
);
)sql",
};

int user_version(Database& db) {
  auto& st = db.prepare("PRAGMA user_version");
  st.step();
  const int version = static_cast<int>(st.int64(0));
  st.reset();
  return version;
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(std::size(kMigrations));
}

int migrate(Database& db) {
  for (;;) {
    Transaction tx(db, Transaction::Kind::immediate);
    const int version = user_version(db);
    if (version > latest_schema_version()) {
      throw SqliteError(0, "database schema version " + std::to_string(version) +
                               " is newer than this build knows (" +
                               std::to_string(latest_schema_version()) + ")");
    }
    if (version == latest_schema_version()) return version;
    db.exec(kMigrations[version]);
    db.exec(("PRAGMA user_version=" + std::to_string(version + 1)).c_str());
    tx.commit();
  }
}

}  // namespace musubi::storage
