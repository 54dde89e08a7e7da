#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace musubi::storage {

class Database;

// An emergency call and where its escalation stands (migration 4 explains the columns).
struct Emergency {
  std::int64_t id = 0;
  std::int64_t room_id = 0;
  std::int64_t seq = 0;  // its raise entry
  std::int64_t raised_by = 0;
  std::int64_t raised_ms = 0;
  std::string note;
  std::optional<std::int64_t> plan_seq;
  std::optional<std::int64_t> acp_seq;
  std::vector<std::vector<std::int64_t>> tiers;  // user ids, in alert order
  int tier = 0;                                  // tiers alerted so far
  std::optional<std::int64_t> escalate_at_ms;
  std::optional<std::int64_t> responder_id;
  std::optional<std::int64_t> responded_ms;
  std::optional<std::int64_t> closed_by;
  std::optional<std::int64_t> closed_ms;
  std::string outcome;
  std::string outcome_note;

  bool open() const { return !closed_ms; }
};

// Inserts it (id is assigned and returned).
std::int64_t insert_emergency(Database& db, const Emergency& e);

std::optional<Emergency> find_emergency(Database& db, std::int64_t id);
std::optional<Emergency> open_emergency(Database& db, std::int64_t room_id);
std::optional<Emergency> emergency_by_seq(Database& db, std::int64_t room_id, std::int64_t seq);
// The room's newest emergency, open or not.
std::optional<Emergency> latest_emergency(Database& db, std::int64_t room_id);

struct DueEscalation {
  std::int64_t id = 0;
  std::int64_t at_ms = 0;
};
// Every emergency whose escalation is still pending (after a restart, the timers to set again).
std::vector<DueEscalation> pending_escalations(Database& db);

// Moves the escalation on from `from_tier` (as read by the caller) to `to_tier`, due again at
// `next_at_ms` (none: no further step). False, and nothing changed, when someone else moved it
// first, answered it or closed it.
bool advance_escalation(Database& db, std::int64_t id, int from_tier, int to_tier,
                        std::optional<std::int64_t> next_at_ms);

// The first response stops escalation; false when the emergency already had a responder.
bool record_first_response(Database& db, std::int64_t id, std::int64_t user_id,
                           std::int64_t now_ms);

// False when it was already closed.
bool close_emergency(Database& db, std::int64_t id, std::int64_t user_id, std::string_view outcome,
                     std::string_view note, std::int64_t now_ms);

}  // namespace musubi::storage
