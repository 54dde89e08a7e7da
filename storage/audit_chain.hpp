#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;

namespace musubi::storage {

class Database;

// The audit log is a hash chain: each entry stores SHA-256(previous entry's hash, this entry's
// fields). Changing, removing or reordering an entry breaks every hash after it, so tampering by
// anyone who does not also rewrite the rest of the chain is found by verify_audit_chain(); the
// head hash, recorded outside the database, catches even that.
using AuditHash = std::array<unsigned char, 32>;

struct AuditFields {
  std::int64_t id = 0;
  std::int64_t ts_ms = 0;
  std::optional<std::int64_t> actor_id;
  std::string_view action;
  std::optional<std::int64_t> room_id;
  std::string_view detail;
};

// `previous` is empty for the first entry. Every field is length- or presence-prefixed, so no
// two different entries hash the same input.
AuditHash audit_entry_hash(std::span<const unsigned char> previous, const AuditFields& entry);

// Registers the SQL function musubi_audit_hash(previous, id, ts_ms, actor_id, action, room_id,
// detail) on a connection, so that an entry and its hash are appended in one statement (two
// processes appending at once can never fork the chain).
void register_audit_hash_function(sqlite3* db);

// Hashes entries appended before the chain existed (schema 4 and older), in id order.
void seal_audit_chain(Database& db);

struct AuditVerification {
  std::int64_t entries = 0;
  std::optional<std::int64_t> first_broken_id;  // nullopt: the whole chain holds
  std::string head_hash_hex;                    // of the last entry ("" when empty)
  bool ok() const { return !first_broken_id; }
};

AuditVerification verify_audit_chain(Database& db);

}  // namespace musubi::storage
