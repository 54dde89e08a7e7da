#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

// A signed-in device. Only the SHA-256 of its token is stored.
struct SessionRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string device;
  std::int64_t created_ms = 0;
  std::int64_t last_used_ms = 0;
  std::int64_t expires_ms = 0;
  bool revoked = false;
  std::string last_peer;  // address of the last sign-in or use; empty: not known
};

// `peer`: the address signing in, kept as the session's last address.
std::int64_t insert_session(Database& db, std::int64_t user_id,
                            std::span<const unsigned char> token_hash, std::string_view device,
                            std::int64_t now_ms, std::int64_t expires_ms,
                            std::string_view peer = "");

std::optional<SessionRecord> find_session_by_token_hash(Database& db,
                                                        std::span<const unsigned char> token_hash);

std::optional<SessionRecord> find_session(Database& db, std::int64_t session_id);

// A user's sessions neither revoked nor expired at `now_ms`, most recently used first.
std::vector<SessionRecord> live_sessions_of_user(Database& db, std::int64_t user_id,
                                                 std::int64_t now_ms);

void set_session_peer(Database& db, std::int64_t session_id, std::string_view peer);

// Records use of a session and slides its expiry.
void touch_session(Database& db, std::int64_t session_id, std::int64_t now_ms,
                   std::int64_t expires_ms);

// Revokes one session and appends a revocation so that every server process closes its
// connections. Returns false when it was already revoked.
bool revoke_session(Database& db, std::int64_t session_id, std::int64_t now_ms,
                    std::string_view reason);

// Revokes all of a user's sessions (one revocation entry for the whole user). Returns how many
// of them were live (neither revoked nor expired).
std::int64_t revoke_user_sessions(Database& db, std::int64_t user_id, std::int64_t now_ms,
                                  std::string_view reason);

struct Revocation {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::optional<std::int64_t> session_id;  // nullopt: every session of the user
  std::string reason;                      // "signed_out", "disabled", "revoked"
  // Of every session of the user: the newest one this ended. A session signed in later is not
  // concerned. nullopt: every connection of the user at the time it is applied.
  std::optional<std::int64_t> up_to_session;
};

std::vector<Revocation> revocations_after(Database& db, std::int64_t after_id);
std::int64_t last_revocation_id(Database& db);

}  // namespace musubi::storage
