#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

enum class Role { admin, member };

std::string_view to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view text) noexcept;

// A user's membership in a room, found by the room's public id. Only members who are enabled,
// in an active organization and not city administrators have one, and never in a purged room
// (storage/retention.hpp): everything a room-level operation may do starts from here.
struct Membership {
  std::int64_t room_id = 0;
  std::string public_id;
  std::string title;
  Role role = Role::member;
  bool closed = false;  // closed rooms are read-only
};

std::optional<Membership> find_membership(Database& db, std::string_view public_id,
                                          std::int64_t user_id);

// A patient's room as the room-opening rule left it.
struct NewRoom {
  std::string public_id;
  std::string title;
  std::int64_t creator = 0;  // the requester: the room's first administrator
  std::int64_t patient_id = 0;
  std::int64_t request_id = 0;
  bool physician_participates = false;
  std::optional<std::int64_t> stand_in_id;
  std::string stand_in_kind;  // clinic_staff, hospital_liaison or empty
};

// Creates a room with its creator as first administrator. Returns the room's internal id.
std::int64_t insert_room(Database& db, const NewRoom& room, std::int64_t now_ms);

// What a room records about its patient, its physician and its end.
struct RoomDetails {
  std::int64_t patient_id = 0;
  bool physician_participates = false;
  std::optional<std::int64_t> stand_in_id;
  std::string stand_in_kind;
  std::optional<std::int64_t> closed_ms;
  std::string close_reason;
  std::string close_note;
};

std::optional<RoomDetails> room_details(Database& db, std::int64_t room_id);

// The id clients know the room by, and back.
std::string room_public_id(Database& db, std::int64_t room_id);
std::optional<std::int64_t> find_room_id(Database& db, std::string_view public_id);

// Closes a room at the end of care; false when it was already closed.
bool close_room(Database& db, std::int64_t room_id, std::string_view reason, std::string_view note,
                std::int64_t now_ms);

// Adds a member; false when already a member.
bool insert_member(Database& db, std::int64_t room_id, std::int64_t user_id, Role role,
                   std::int64_t added_by, std::int64_t now_ms);

// Removes a member; false when not a member.
bool delete_member(Database& db, std::int64_t room_id, std::int64_t user_id);

// The role of any member, disabled or not; nullopt when not a member.
std::optional<Role> member_role(Database& db, std::int64_t room_id, std::int64_t user_id);

std::int64_t count_admins(Database& db, std::int64_t room_id);

struct RoomSummary {
  std::string public_id;
  std::string title;
  Role role = Role::member;
  std::int64_t last_seq = 0;
  std::int64_t member_count = 0;
  bool closed = false;
  std::int64_t last_read_seq = 0;
  std::int64_t unread = 0;  // entries after last_read_seq by other people
};

// Rooms the user is a member of (purged rooms never), most recently active first.
std::vector<RoomSummary> rooms_of_user(Database& db, std::int64_t user_id);

struct MemberInfo {
  std::int64_t user_id = 0;
  std::string login;
  std::string name;
  Role role = Role::member;
  std::string profession;
  std::string org_code;
  std::string org_name;
};

std::vector<MemberInfo> members_of_room(Database& db, std::int64_t room_id);

// Read receipts (既読). Moves the member's last read seq forward to `seq` (never back); false
// when it was already there or beyond.
bool mark_read(Database& db, std::int64_t room_id, std::int64_t user_id, std::int64_t seq);

struct ReadState {
  std::int64_t user_id = 0;
  std::string login;
  std::string name;
  std::int64_t last_read_seq = 0;
};
std::vector<ReadState> read_states(Database& db, std::int64_t room_id);

// Whether the room's members see each other's read state (on unless an admin turned it off).
bool read_state_shared(Database& db, std::int64_t room_id);
void set_read_state_shared(Database& db, std::int64_t room_id, bool shared);

}  // namespace musubi::storage
