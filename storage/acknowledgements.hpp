#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace musubi::storage {

class Database;

// These members must acknowledge the entry (要確認). Idempotent.
void require_acknowledgement(Database& db, std::int64_t room_id, std::int64_t seq,
                             const std::vector<std::int64_t>& user_ids);

// Records the user's acknowledgement; false when they had already acknowledged the entry.
bool acknowledge(Database& db, std::int64_t room_id, std::int64_t seq, std::int64_t user_id,
                 std::string_view note, std::int64_t now_ms);

// Nobody still owes an acknowledgement of the entry (an emergency once answered or closed).
void release_acknowledgements(Database& db, std::int64_t room_id, std::int64_t seq);

struct AckState {
  std::int64_t seq = 0;
  std::int64_t user_id = 0;
  std::string login;
  std::string name;
  std::string profession;
  bool required = false;
  std::optional<std::int64_t> acked_ms;
  std::string note;
};

// For one entry (seq) or, without one, for every entry someone still has to acknowledge; by seq,
// then required first, then login. Current members only: someone who left owes nothing.
std::vector<AckState> acknowledgement_states(Database& db, std::int64_t room_id,
                                             std::optional<std::int64_t> seq);

}  // namespace musubi::storage
