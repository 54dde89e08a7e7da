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

// A user's membership in a room, found by the room's public id. Only members of the room who are
// not disabled have one: everything a room-level operation may do starts from here.
struct Membership {
  std::int64_t room_id = 0;
  std::string public_id;
  std::string title;
  Role role = Role::member;
};

std::optional<Membership> find_membership(Database& db, std::string_view public_id,
                                          std::int64_t user_id);

// Creates a room with `creator` as its first administrator. Returns the room's internal id.
std::int64_t insert_room(Database& db, std::string_view public_id, std::string_view title,
                         std::int64_t creator, std::int64_t now_ms);

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
};

// Rooms the user is a member of, most recently active first.
std::vector<RoomSummary> rooms_of_user(Database& db, std::int64_t user_id);

struct MemberInfo {
  std::int64_t user_id = 0;
  std::string login;
  std::string name;
  Role role = Role::member;
};

std::vector<MemberInfo> members_of_room(Database& db, std::int64_t room_id);

}  // namespace musubi::storage
