#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

// Appends one entry to the audit log (sign-ins, history reads, membership changes, user
// administration), chained to the one before it (storage/audit_chain.hpp). `detail` never holds
// message text or passwords. The log is append-only: triggers refuse UPDATE and DELETE.
void append_audit(Database& db, std::int64_t ts_ms, std::optional<std::int64_t> actor_id,
                  std::string_view action, std::optional<std::int64_t> room_id,
                  std::string_view detail);

// One entry as reviewed or exported, with the actor's login and the room's public id.
struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t ts_ms = 0;
  std::optional<std::int64_t> actor_id;
  std::string actor_login;  // "" for the system or an admin command
  std::string action;
  std::optional<std::int64_t> room_id;
  std::string room;  // public id; "" when none
  std::string detail;
};

// Entries with from_ms <= ts_ms < to_ms, narrowed by the optional filters, in id order; newest
// first when `newest_first` (review pages backwards with before_id), at most `limit`.
struct AuditQuery {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = INT64_MAX;
  std::optional<std::int64_t> actor_id;
  std::optional<std::int64_t> room_id;
  std::optional<std::string> action;  // exact, or a prefix ending in '.' ("sign_in." matches
                                      // sign_in.failed)
  std::optional<std::int64_t> before_id;
  std::optional<std::int64_t> after_id;
  bool newest_first = true;
  std::int64_t limit = 100;
};
std::vector<AuditEntry> list_audit(Database& db, const AuditQuery& query);

}  // namespace musubi::storage
