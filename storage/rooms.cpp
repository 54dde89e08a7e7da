#include "storage/rooms.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

std::string_view to_string(Role role) noexcept {
  return role == Role::admin ? "admin" : "member";
}

std::optional<Role> parse_role(std::string_view text) noexcept {
  if (text == "admin") return Role::admin;
  if (text == "member") return Role::member;
  return std::nullopt;
}

std::optional<Membership> find_membership(Database& db, std::string_view public_id,
                                          std::int64_t user_id) {
  auto& st = db.prepare(
      "SELECT r.id, m.role, r.title, r.closed_ms IS NOT NULL FROM rooms r "
      "JOIN members m ON m.room_id = r.id "
      "JOIN users u ON u.id = m.user_id "
      "JOIN organizations o ON o.id = u.org_id "
      "WHERE r.public_id = ? AND m.user_id = ? AND u.disabled = 0 AND o.retired_on IS NULL "
      "AND u.role != 'city_admin' AND r.purged_ms IS NULL");
  st.bind(1, public_id).bind(2, user_id);
  std::optional<Membership> found;
  if (st.step()) {
    found = Membership{st.int64(0), std::string(public_id), st.text(2),
                       parse_role(st.text(1)).value_or(Role::member), st.int64(3) != 0};
  }
  st.reset();
  return found;
}

std::int64_t insert_room(Database& db, const NewRoom& room, std::int64_t now_ms) {
  db.prepare(
        "INSERT INTO rooms (public_id, title, created_by, created_ms, patient_id, request_id, "
        "physician_participates, stand_in_id, stand_in_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, room.public_id)
      .bind(2, room.title)
      .bind(3, room.creator)
      .bind(4, now_ms)
      .bind(5, room.patient_id)
      .bind(6, room.request_id)
      .bind(7, room.physician_participates ? 1 : 0)
      .bind(8, room.stand_in_id)
      .bind(9, room.stand_in_kind)
      .run();
  const auto room_id = db.last_insert_rowid();
  insert_member(db, room_id, room.creator, Role::admin, room.creator, now_ms);
  return room_id;
}

std::optional<RoomDetails> room_details(Database& db, std::int64_t room_id) {
  auto& st = db.prepare(
      "SELECT patient_id, physician_participates, stand_in_id, stand_in_kind, closed_ms, "
      "close_reason, close_note FROM rooms WHERE id = ?");
  st.bind(1, room_id);
  std::optional<RoomDetails> found;
  if (st.step()) {
    RoomDetails d;
    d.patient_id = st.int64(0);
    d.physician_participates = st.int64(1) != 0;
    if (!st.is_null(2)) d.stand_in_id = st.int64(2);
    d.stand_in_kind = st.text(3);
    if (!st.is_null(4)) d.closed_ms = st.int64(4);
    d.close_reason = st.text(5);
    d.close_note = st.text(6);
    found = std::move(d);
  }
  st.reset();
  return found;
}

bool close_room(Database& db, std::int64_t room_id, std::string_view reason, std::string_view note,
                std::int64_t now_ms) {
  db.prepare(
        "UPDATE rooms SET closed_ms = ?, close_reason = ?, close_note = ? "
        "WHERE id = ? AND closed_ms IS NULL")
      .bind(1, now_ms)
      .bind(2, reason)
      .bind(3, note)
      .bind(4, room_id)
      .run();
  return db.changes() > 0;
}

bool insert_member(Database& db, std::int64_t room_id, std::int64_t user_id, Role role,
                   std::int64_t added_by, std::int64_t now_ms) {
  db.prepare(
        "INSERT INTO members (room_id, user_id, role, added_by, added_ms) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING")
      .bind(1, room_id)
      .bind(2, user_id)
      .bind(3, to_string(role))
      .bind(4, added_by)
      .bind(5, now_ms)
      .run();
  return db.changes() > 0;
}

bool delete_member(Database& db, std::int64_t room_id, std::int64_t user_id) {
  db.prepare("DELETE FROM members WHERE room_id = ? AND user_id = ?")
      .bind(1, room_id)
      .bind(2, user_id)
      .run();
  return db.changes() > 0;
}

std::optional<Role> member_role(Database& db, std::int64_t room_id, std::int64_t user_id) {
  auto& st = db.prepare("SELECT role FROM members WHERE room_id = ? AND user_id = ?");
  st.bind(1, room_id).bind(2, user_id);
  std::optional<Role> role;
  if (st.step()) role = parse_role(st.text(0));
  st.reset();
  return role;
}

std::int64_t count_admins(Database& db, std::int64_t room_id) {
  auto& st = db.prepare("SELECT COUNT(*) FROM members WHERE room_id = ? AND role = 'admin'");
  st.bind(1, room_id).step();
  const auto n = st.int64(0);
  st.reset();
  return n;
}

std::vector<RoomSummary> rooms_of_user(Database& db, std::int64_t user_id) {
  auto& st = db.prepare(
      "SELECT r.public_id, r.title, m.role, "
      "  (SELECT COALESCE(MAX(seq), 0) FROM events e WHERE e.room_id = r.id) AS last_seq, "
      "  (SELECT COUNT(*) FROM members m2 WHERE m2.room_id = r.id), "
      "  (SELECT ts_ms FROM events e WHERE e.room_id = r.id ORDER BY seq DESC LIMIT 1) AS last_ts, "
      "  r.closed_ms IS NOT NULL, m.last_read_seq, "
      "  (SELECT COUNT(*) FROM events e WHERE e.room_id = r.id AND e.seq > m.last_read_seq "
      "     AND e.author_id != m.user_id) "
      "FROM members m JOIN rooms r ON r.id = m.room_id "
      "WHERE m.user_id = ? AND r.purged_ms IS NULL ORDER BY last_ts DESC, r.id DESC");
  st.bind(1, user_id);
  std::vector<RoomSummary> rooms;
  while (st.step()) {
    rooms.push_back(RoomSummary{st.text(0), st.text(1),
                                parse_role(st.text(2)).value_or(Role::member), st.int64(3),
                                st.int64(4), st.int64(6) != 0, st.int64(7), st.int64(8)});
  }
  return rooms;
}

std::vector<MemberInfo> members_of_room(Database& db, std::int64_t room_id) {
  auto& st = db.prepare(
      "SELECT u.id, u.login, u.name, m.role, u.profession, o.code, o.name FROM members m "
      "JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = u.org_id "
      "WHERE m.room_id = ? ORDER BY m.added_ms, m.role = 'member', u.login");
  st.bind(1, room_id);
  std::vector<MemberInfo> members;
  while (st.step()) {
    members.push_back(MemberInfo{st.int64(0), st.text(1), st.text(2),
                                 parse_role(st.text(3)).value_or(Role::member), st.text(4),
                                 st.text(5), st.text(6)});
  }
  return members;
}

bool mark_read(Database& db, std::int64_t room_id, std::int64_t user_id, std::int64_t seq) {
  db.prepare(
        "UPDATE members SET last_read_seq = ?1 WHERE room_id = ?2 AND user_id = ?3 "
        "AND last_read_seq < ?1")
      .bind(1, seq)
      .bind(2, room_id)
      .bind(3, user_id)
      .run();
  return db.changes() > 0;
}

std::vector<ReadState> read_states(Database& db, std::int64_t room_id) {
  auto& st = db.prepare(
      "SELECT u.id, u.login, u.name, m.last_read_seq FROM members m JOIN users u ON u.id = "
      "m.user_id WHERE m.room_id = ? ORDER BY m.added_ms, u.login");
  st.bind(1, room_id);
  std::vector<ReadState> states;
  while (st.step())
    states.push_back(ReadState{st.int64(0), st.text(1), st.text(2), st.int64(3)});
  return states;
}

bool read_state_shared(Database& db, std::int64_t room_id) {
  auto& st = db.prepare("SELECT share_read_state FROM rooms WHERE id = ?");
  st.bind(1, room_id);
  const bool shared = st.step() && st.int64(0) != 0;
  st.reset();
  return shared;
}

void set_read_state_shared(Database& db, std::int64_t room_id, bool shared) {
  db.prepare("UPDATE rooms SET share_read_state = ? WHERE id = ?")
      .bind(1, shared ? 1 : 0)
      .bind(2, room_id)
      .run();
}

std::optional<std::int64_t> find_room_id(Database& db, std::string_view public_id) {
  auto& st = db.prepare("SELECT id FROM rooms WHERE public_id = ?");
  st.bind(1, public_id);
  std::optional<std::int64_t> id;
  if (st.step()) id = st.int64(0);
  st.reset();
  return id;
}

std::string room_public_id(Database& db, std::int64_t room_id) {
  auto& st = db.prepare("SELECT public_id FROM rooms WHERE id = ?");
  st.bind(1, room_id);
  if (!st.step()) return {};
  auto id = st.text(0);
  st.reset();
  return id;
}

}  // namespace musubi::storage
