#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace musubi::storage {

class Database;

// Appends one entry to the audit log (sign-ins, history reads, membership changes, user
// administration). `detail` never holds message text or passwords.
void append_audit(Database& db, std::int64_t ts_ms, std::optional<std::int64_t> actor_id,
                  std::string_view action, std::optional<std::int64_t> room_id,
                  std::string_view detail);

}  // namespace musubi::storage
