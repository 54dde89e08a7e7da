#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/room_event.hpp"
#include "server/operation_result.hpp"
#include "storage/emergencies.hpp"
#include "storage/rooms.hpp"

namespace musubi::storage {
class Database;
}

// An emergency call from raise to close, on the writer thread. Every step appends its entry to the
// room's log (so the whole episode is in the room's history), puts notifications in the inboxes of
// the people concerned (so nobody misses one by being offline), and says what to deliver. An
// emergency is known to clients by the seq of its raise entry.
namespace musubi::server {

struct Actor {
  std::int64_t user_id = 0;
  protocol::Person person;
};

// Raises an emergency: the first tier is alerted with the current emergency plan and ACP decision
// attached, and the reply carries the plan's steps for a helper alone. When the room already has
// an open emergency, the reply is that one (a second tap must not start a second chain).
OperationResult raise_emergency(storage::Database& db, const Actor& actor,
                                const storage::Membership& room,
                                const std::optional<std::string>& note, std::int64_t now_ms,
                                std::int64_t step_ms);

// The escalation timer of emergency `id` is due: alert the next tier, or, after the last, tell
// the raiser and everyone alerted that nobody has answered. `next_at_ms`: when to come back.
struct EscalationStep {
  OperationResult result;
  std::optional<std::int64_t> next_at_ms;
};
EscalationStep escalate_emergency(storage::Database& db, std::int64_t id, std::int64_t now_ms,
                                  std::int64_t step_ms);

// A member answers the alert (room.acknowledge on the raise entry). The first answer stops
// escalation; everyone alerted and the raiser learn who is responding.
OperationResult respond_to_emergency(storage::Database& db, const Actor& actor,
                                     const storage::Membership& room,
                                     const storage::Emergency& emergency,
                                     const std::optional<std::string>& note, std::int64_t now_ms);

// Records the outcome; escalation stops; the raiser and everyone alerted are told.
OperationResult end_emergency(storage::Database& db, const Actor& actor,
                              const storage::Membership& room, std::int64_t seq,
                              const std::string& outcome, const std::optional<std::string>& note,
                              std::int64_t now_ms);

// emergency.status's reply: the emergency with who was alerted and who answered, and the plan
// and ACP decision it was raised with (at their latest revision) and the helper's steps.
nlohmann::json emergency_status(storage::Database& db, const storage::Emergency& emergency,
                                const std::string& room_public_id);

}  // namespace musubi::server
