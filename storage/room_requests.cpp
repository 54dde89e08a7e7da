#include "storage/room_requests.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

constexpr const char* kColumns =
    "SELECT r.id, r.public_id, r.patient_id, r.requester_id, r.requester_profession, "
    "r.first_request, r.physician_id, r.physician_setting, r.physician_declined, r.stand_in_id, "
    "r.state, r.note, r.room_id, r.created_ms, r.updated_ms FROM room_requests r ";

RoomRequest read_request(const Statement& st) {
  RoomRequest r;
  r.id = st.int64(0);
  r.public_id = st.text(1);
  r.patient_id = st.int64(2);
  r.requester_id = st.int64(3);
  r.requester_profession = st.text(4);
  r.first_request = st.int64(5) != 0;
  r.physician_id = st.int64(6);
  r.physician_setting = st.text(7);
  r.physician_declined = st.int64(8) != 0;
  if (!st.is_null(9)) r.stand_in_id = st.int64(9);
  r.state = st.text(10);
  r.note = st.text(11);
  if (!st.is_null(12)) r.room_id = st.int64(12);
  r.created_ms = st.int64(13);
  r.updated_ms = st.int64(14);
  return r;
}

}  // namespace

std::int64_t insert_request(Database& db, const RoomRequest& r) {
  db.prepare(
        "INSERT INTO room_requests (public_id, patient_id, requester_id, requester_profession, "
        "first_request, physician_id, physician_setting, physician_declined, stand_in_id, state, "
        "note, room_id, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, r.public_id)
      .bind(2, r.patient_id)
      .bind(3, r.requester_id)
      .bind(4, r.requester_profession)
      .bind(5, r.first_request ? 1 : 0)
      .bind(6, r.physician_id)
      .bind(7, r.physician_setting)
      .bind(8, r.physician_declined ? 1 : 0)
      .bind(9, r.stand_in_id)
      .bind(10, r.state)
      .bind(11, r.note)
      .bind(12, r.room_id)
      .bind(13, r.created_ms)
      .bind(14, r.updated_ms)
      .run();
  return db.last_insert_rowid();
}

std::optional<RoomRequest> find_request(Database& db, std::string_view public_id) {
  auto& st = db.prepare(std::string(kColumns) + "WHERE r.public_id = ?").bind(1, public_id);
  std::optional<RoomRequest> found;
  if (st.step()) found = read_request(st);
  st.reset();
  return found;
}

void update_request(Database& db, const RoomRequest& r) {
  db.prepare(
        "UPDATE room_requests SET state = ?, physician_declined = ?, stand_in_id = ?, "
        "room_id = ?, updated_ms = ? WHERE id = ?")
      .bind(1, r.state)
      .bind(2, r.physician_declined ? 1 : 0)
      .bind(3, r.stand_in_id)
      .bind(4, r.room_id)
      .bind(5, r.updated_ms)
      .bind(6, r.id)
      .run();
}

void add_team_member(Database& db, std::int64_t request_id, std::int64_t user_id) {
  db.prepare(
        "INSERT INTO room_request_team (request_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bind(1, request_id)
      .bind(2, user_id)
      .run();
}

std::vector<std::int64_t> team_of(Database& db, std::int64_t request_id) {
  auto& st =
      db.prepare("SELECT user_id FROM room_request_team WHERE request_id = ? ORDER BY user_id");
  st.bind(1, request_id);
  std::vector<std::int64_t> out;
  while (st.step())
    out.push_back(st.int64(0));
  return out;
}

bool has_filed_before(Database& db, std::int64_t user_id) {
  auto& st = db.prepare("SELECT 1 FROM room_requests WHERE requester_id = ? LIMIT 1");
  st.bind(1, user_id);
  const bool found = st.step();
  st.reset();
  return found;
}

bool patient_has_request_or_open_room(Database& db, std::int64_t patient_id) {
  auto& st = db.prepare(
      "SELECT 1 FROM room_requests WHERE patient_id = ?1 AND state NOT IN ('open', 'withdrawn') "
      "UNION ALL SELECT 1 FROM rooms WHERE patient_id = ?1 AND closed_ms IS NULL LIMIT 1");
  st.bind(1, patient_id);
  const bool found = st.step();
  st.reset();
  return found;
}

std::vector<RoomRequest> requests_of_user(Database& db, std::int64_t user_id) {
  auto& st =
      db.prepare(std::string(kColumns) +
                 "WHERE r.requester_id = ?1 OR r.physician_id = ?1 OR r.stand_in_id = ?1 OR EXISTS "
                 "(SELECT 1 FROM room_request_team t WHERE t.request_id = r.id AND t.user_id = ?1) "
                 "ORDER BY r.id DESC");
  st.bind(1, user_id);
  std::vector<RoomRequest> out;
  while (st.step())
    out.push_back(read_request(st));
  return out;
}

void append_request_log(Database& db, std::int64_t request_id, const RequestLogEntry& e) {
  db.prepare(
        "INSERT INTO room_request_log (request_id, ts_ms, actor_id, action, from_state, to_state, "
        "report, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, request_id)
      .bind(2, e.ts_ms)
      .bind(3, e.actor_id)
      .bind(4, e.action)
      .bind(5, e.from_state)
      .bind(6, e.to_state)
      .bind(7, e.report)
      .bind(8, e.detail)
      .run();
}

std::vector<RequestLogEntry> request_log(Database& db, std::int64_t request_id) {
  auto& st = db.prepare(
      "SELECT ts_ms, actor_id, action, from_state, to_state, report, detail FROM room_request_log "
      "WHERE request_id = ? ORDER BY id");
  st.bind(1, request_id);
  std::vector<RequestLogEntry> out;
  while (st.step()) {
    out.push_back(RequestLogEntry{st.int64(0), st.int64(1), st.text(2), st.text(3), st.text(4),
                                  st.text(5), st.text(6)});
  }
  return out;
}

}  // namespace musubi::storage
