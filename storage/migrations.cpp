#include "storage/migrations.hpp"

#include <string>

#include "storage/audit_chain.hpp"
#include "storage/database.hpp"

namespace musubi::storage {

namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr const char* kMigrations[] = {
    // 1: organizations, users, sessions, patients, room requests, rooms, members, the room
    // event log, announcements, revocations, audit.
    R"sql(
-- Organizations (事業所). Types and the registration rule: server/domain/.
CREATE TABLE organizations (
  id               INTEGER PRIMARY KEY,
  code             TEXT NOT NULL UNIQUE,
  name             TEXT NOT NULL,
  type             TEXT NOT NULL,
  address          TEXT NOT NULL,
  municipality     TEXT NOT NULL,
  association      TEXT NOT NULL,
  association_area TEXT NOT NULL,
  registered_on    TEXT NOT NULL,
  retired_on       TEXT,
  created_ms       INTEGER NOT NULL
);
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  org_id        INTEGER NOT NULL REFERENCES organizations(id),
  profession    TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('city_admin', 'org_contact', 'member')),
  disabled      INTEGER NOT NULL DEFAULT 0,
  confirmed_on  TEXT,
  created_ms    INTEGER NOT NULL
);
CREATE INDEX users_by_org ON users(org_id);
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
-- Patients: residents of the configured municipality only. Consents are appended, never edited.
CREATE TABLE patients (
  id            INTEGER PRIMARY KEY,
  public_id     TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  kana          TEXT NOT NULL,
  birth_date    TEXT NOT NULL,
  sex           TEXT NOT NULL,
  municipality  TEXT NOT NULL,
  address       TEXT NOT NULL,
  registered_by INTEGER NOT NULL REFERENCES users(id),
  registered_ms INTEGER NOT NULL
);
CREATE TABLE consents (
  id           INTEGER PRIMARY KEY,
  patient_id   INTEGER NOT NULL REFERENCES patients(id),
  consent_date TEXT NOT NULL,
  obtained_by  TEXT NOT NULL,
  note         TEXT NOT NULL,
  recorded_by  INTEGER NOT NULL REFERENCES users(id),
  recorded_ms  INTEGER NOT NULL
);
CREATE INDEX consents_by_patient ON consents(patient_id);
-- Requests to open a room (申出) and their state machine (server/domain/room_opening.hpp).
CREATE TABLE room_requests (
  id                   INTEGER PRIMARY KEY,
  public_id            TEXT NOT NULL UNIQUE,
  patient_id           INTEGER NOT NULL REFERENCES patients(id),
  requester_id         INTEGER NOT NULL REFERENCES users(id),
  requester_profession TEXT NOT NULL,
  first_request        INTEGER NOT NULL,
  physician_id         INTEGER NOT NULL REFERENCES users(id),
  physician_setting    TEXT NOT NULL,
  physician_declined   INTEGER NOT NULL DEFAULT 0,
  stand_in_id          INTEGER REFERENCES users(id),
  state                TEXT NOT NULL,
  note                 TEXT NOT NULL,
  room_id              INTEGER,
  created_ms           INTEGER NOT NULL,
  updated_ms           INTEGER NOT NULL
);
CREATE INDEX room_requests_by_patient ON room_requests(patient_id);
CREATE TABLE room_request_team (
  request_id INTEGER NOT NULL REFERENCES room_requests(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (request_id, user_id)
) WITHOUT ROWID;
-- Every transition, with the reports owed to the attending physician.
CREATE TABLE room_request_log (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES room_requests(id),
  ts_ms      INTEGER NOT NULL,
  actor_id   INTEGER NOT NULL,
  action     TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  report     TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX room_request_log_by_request ON room_request_log(request_id);
CREATE TABLE rooms (
  id                     INTEGER PRIMARY KEY,
  public_id              TEXT NOT NULL UNIQUE,
  title                  TEXT NOT NULL,
  created_by             INTEGER NOT NULL REFERENCES users(id),
  created_ms             INTEGER NOT NULL,
  patient_id             INTEGER NOT NULL REFERENCES patients(id),
  request_id             INTEGER NOT NULL REFERENCES room_requests(id),
  physician_participates INTEGER NOT NULL,
  stand_in_id            INTEGER REFERENCES users(id),
  stand_in_kind          TEXT NOT NULL DEFAULT '',
  closed_ms              INTEGER,
  close_reason           TEXT NOT NULL DEFAULT '',
  close_note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rooms_by_patient ON rooms(patient_id);
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
CREATE TABLE announcements (
  id        INTEGER PRIMARY KEY,
  title     TEXT NOT NULL,
  body      TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES users(id),
  posted_ms INTEGER NOT NULL
);
CREATE TABLE announcement_reads (
  announcement_id INTEGER NOT NULL REFERENCES announcements(id),
  user_id         INTEGER NOT NULL REFERENCES users(id),
  read_ms         INTEGER NOT NULL,
  PRIMARY KEY (announcement_id, user_id)
) WITHOUT ROWID;
CREATE TABLE audit (
  id       INTEGER PRIMARY KEY,
  ts_ms    INTEGER NOT NULL,
  actor_id INTEGER,
  action   TEXT NOT NULL,
  room_id  INTEGER,
  detail   TEXT NOT NULL DEFAULT ''
);
)sql",
    // 2: structured records (templates), their revisions and withdrawals; attachments.
    R"sql(
-- For a record: the template it follows; for a revision or a withdrawal: the seq it refers to.
ALTER TABLE events ADD COLUMN template TEXT;
ALTER TABLE events ADD COLUMN refers_to INTEGER;
CREATE INDEX events_by_template ON events(room_id, template, seq) WHERE template IS NOT NULL;
CREATE INDEX events_by_reference ON events(room_id, refers_to, seq) WHERE refers_to IS NOT NULL;
-- Files posted to a room. The bytes are on disk, named by their SHA-256 (content-addressed, so a
-- file posted twice is stored once); a row per upload says who may see it. An upload belongs to
-- its room from the start and to a message once posted with one (event_seq).
CREATE TABLE attachments (
  id          INTEGER PRIMARY KEY,
  public_id   TEXT NOT NULL UNIQUE,
  room_id     INTEGER NOT NULL REFERENCES rooms(id),
  uploader_id INTEGER NOT NULL REFERENCES users(id),
  sha256      TEXT NOT NULL,
  media_type  TEXT NOT NULL,
  size        INTEGER NOT NULL,
  name        TEXT NOT NULL,
  uploaded_ms INTEGER NOT NULL,
  event_seq   INTEGER
);
CREATE INDEX attachments_by_room ON attachments(room_id, event_seq);
)sql",
    // 3: read receipts: how far each member has read; whether members see each other's.
    R"sql(
ALTER TABLE members ADD COLUMN last_read_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN share_read_state INTEGER NOT NULL DEFAULT 1;
)sql",
    // 4: notification inboxes, acknowledgements (要確認), emergency calls and their escalation.
    R"sql(
-- One row per user and thing to know. It points at a room entry (room_id, seq); what it says is
-- derived from `kind` alone, so a channel outside the authenticated connection can carry it
-- without patient information.
CREATE TABLE notifications (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  room_id      INTEGER NOT NULL REFERENCES rooms(id),
  seq          INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  requires_ack INTEGER NOT NULL DEFAULT 0,
  emergency_seq INTEGER,
  created_ms   INTEGER NOT NULL,
  read_ms      INTEGER
);
CREATE INDEX notifications_by_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read_ms IS NULL;
CREATE INDEX notifications_by_entry ON notifications(room_id, seq, user_id);
-- Who must acknowledge an entry (required = 1), and who did (acked_ms).
CREATE TABLE acknowledgements (
  room_id  INTEGER NOT NULL REFERENCES rooms(id),
  seq      INTEGER NOT NULL,
  user_id  INTEGER NOT NULL REFERENCES users(id),
  required INTEGER NOT NULL DEFAULT 0,
  acked_ms INTEGER,
  note     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (room_id, seq, user_id)
) WITHOUT ROWID;
CREATE INDEX acknowledgements_pending ON acknowledgements(room_id, seq) WHERE acked_ms IS NULL;
-- An emergency call. `tiers` is the alert order fixed when it was raised ("1,2;3": tiers by ';',
-- user ids by ','); `tier` how many of them have been alerted; `escalate_at_ms` when the next step is
-- due (NULL once answered, closed or exhausted). The escalator only ever moves `tier` from the
-- value it read, in the same transaction as the alerts, so a restart neither loses nor repeats one.
CREATE TABLE emergencies (
  id             INTEGER PRIMARY KEY,
  room_id        INTEGER NOT NULL REFERENCES rooms(id),
  seq            INTEGER NOT NULL,
  raised_by      INTEGER NOT NULL REFERENCES users(id),
  raised_ms      INTEGER NOT NULL,
  note           TEXT NOT NULL DEFAULT '',
  plan_seq       INTEGER,
  acp_seq        INTEGER,
  tiers          TEXT NOT NULL,
  tier           INTEGER NOT NULL,
  escalate_at_ms INTEGER,
  responder_id   INTEGER REFERENCES users(id),
  responded_ms   INTEGER,
  closed_by      INTEGER REFERENCES users(id),
  closed_ms      INTEGER,
  outcome        TEXT NOT NULL DEFAULT '',
  outcome_note   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX emergencies_open ON emergencies(room_id) WHERE closed_ms IS NULL;
CREATE INDEX emergencies_due ON emergencies(escalate_at_ms) WHERE escalate_at_ms IS NOT NULL;
)sql",
    // 5: security: the audit log as an append-only hash chain, two-factor sign-in (TOTP and
    // recovery codes), the address a session was last used from.
    R"sql(
-- SHA-256 over the previous entry's hash and this entry (storage/audit_chain.hpp). Entries from
-- before this migration are hashed on the first start after it.
ALTER TABLE audit ADD COLUMN hash BLOB;
CREATE INDEX audit_by_time ON audit(ts_ms);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- TOTP (RFC 6238): the secret being enrolled until its first code is accepted, then the active
-- one; the last time step used, so that a code is accepted only once.
ALTER TABLE users ADD COLUMN totp_pending BLOB;
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enabled_ms INTEGER;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- One-time recovery codes, stored as SHA-256 (each is 50 random bits).
CREATE TABLE recovery_codes (
  user_id   INTEGER NOT NULL REFERENCES users(id),
  code_hash BLOB NOT NULL,
  used_ms   INTEGER,
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;
ALTER TABLE sessions ADD COLUMN last_peer TEXT NOT NULL DEFAULT '';
)sql",
    // 6: retention: closed rooms whose content was purged at the end of their retention period.
    R"sql(
-- Set when `musubid retention --apply` deleted the room's content (storage/retention.hpp). The
-- row stays as a tombstone: its ids are never reused and audit entries naming it still resolve.
ALTER TABLE rooms ADD COLUMN purged_ms INTEGER;
-- A purge deletes a file only when no other room's attachment names the same bytes.
CREATE INDEX attachments_by_sha256 ON attachments(sha256);
)sql",
    // 7: a revocation of all of a user's sessions names the newest one it ended.
    R"sql(
-- Sessions signed in after the revocation have larger ids and are not closed by it. NULL (entries
-- written before this column): every connection of the user.
ALTER TABLE revocations ADD COLUMN up_to_session INTEGER;
)sql",
};

}  // namespace

int schema_version(Database& db) {
  auto& st = db.prepare("PRAGMA user_version");
  st.step();
  const int version = static_cast<int>(st.int64(0));
  st.reset();
  return version;
}

int latest_schema_version() {
  return static_cast<int>(std::size(kMigrations));
}

int migrate(Database& db) {
  for (;;) {
    Transaction tx(db, Transaction::Kind::immediate);
    const int version = schema_version(db);
    if (version > latest_schema_version()) {
      throw SqliteError(0, "database schema version " + std::to_string(version) +
                               " is newer than this build knows (" +
                               std::to_string(latest_schema_version()) + ")");
    }
    if (version == latest_schema_version()) {
      tx.commit();
      seal_audit_chain(db);
      return version;
    }
    db.exec(kMigrations[version]);
    db.exec(("PRAGMA user_version=" + std::to_string(version + 1)).c_str());
    tx.commit();
  }
}

}  // namespace musubi::storage
