#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace musubi::storage {

class Database;

// A user's TOTP state (RFC 6238). The secret is stored as is: the server must compute codes from
// it, so encrypting it with a key kept beside the database would add nothing.
struct TotpState {
  std::vector<unsigned char> pending;  // being enrolled: waits for its first code
  std::vector<unsigned char> secret;   // active; empty when two-factor sign-in is off
  std::optional<std::int64_t> enabled_ms;
  std::int64_t last_step = 0;  // the last time step accepted: each code works once

  bool enabled() const { return enabled_ms.has_value(); }
};

TotpState totp_state(Database& db, std::int64_t user_id);

// Starts (or restarts) an enrolment; the active secret, if any, is left alone.
void set_pending_totp(Database& db, std::int64_t user_id, std::span<const unsigned char> secret);

// Makes the pending secret active, with `step` as its last used step.
void enable_totp(Database& db, std::int64_t user_id, std::int64_t step, std::int64_t now_ms);

// Records that `step` was used; false when it (or a later one) already was, so that two sign-ins
// racing with one code cannot both pass.
bool use_totp_step(Database& db, std::int64_t user_id, std::int64_t step);

// Turns two-factor sign-in off: secrets, pending enrolment and recovery codes go.
void disable_totp(Database& db, std::int64_t user_id);

// Replaces all of a user's recovery codes (SHA-256 of each).
void replace_recovery_codes(Database& db, std::int64_t user_id,
                            std::span<const std::vector<unsigned char>> code_hashes);

// Spends a recovery code; false when it is unknown or already used.
bool use_recovery_code(Database& db, std::int64_t user_id, std::span<const unsigned char> code_hash,
                       std::int64_t now_ms);

std::int64_t unused_recovery_codes(Database& db, std::int64_t user_id);

}  // namespace musubi::storage
