#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

// A request to open a room for a patient (申出); its states are server/domain/room_opening.hpp's.
struct RoomRequest {
  std::int64_t id = 0;
  std::string public_id;
  std::int64_t patient_id = 0;
  std::int64_t requester_id = 0;
  std::string requester_profession;
  bool first_request = false;
  std::int64_t physician_id = 0;
  std::string physician_setting;  // clinic or hospital
  bool physician_declined = false;
  std::optional<std::int64_t> stand_in_id;
  std::string state;
  std::string note;
  std::optional<std::int64_t> room_id;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

std::int64_t insert_request(Database& db, const RoomRequest& request);
std::optional<RoomRequest> find_request(Database& db, std::string_view public_id);
// Saves state, physician_declined, stand_in_id, room_id and updated_ms.
void update_request(Database& db, const RoomRequest& request);

void add_team_member(Database& db, std::int64_t request_id, std::int64_t user_id);
std::vector<std::int64_t> team_of(Database& db, std::int64_t request_id);

// Whether the user has filed a request before (the council counts first-time requesters).
bool has_filed_before(Database& db, std::int64_t user_id);

// Whether the patient has a request still in progress or a room that is not closed.
bool patient_has_request_or_open_room(Database& db, std::int64_t patient_id);

// Requests the user takes part in (as requester, physician, stand-in or team member), newest
// first.
std::vector<RoomRequest> requests_of_user(Database& db, std::int64_t user_id);

// One line of a request's history: every transition, and the report owed to the physician.
struct RequestLogEntry {
  std::int64_t ts_ms = 0;
  std::int64_t actor_id = 0;
  std::string action;
  std::string from_state;
  std::string to_state;
  std::string report;
  std::string detail;
};

void append_request_log(Database& db, std::int64_t request_id, const RequestLogEntry& entry);
std::vector<RequestLogEntry> request_log(Database& db, std::int64_t request_id);

}  // namespace musubi::storage
