#include "storage/audit_chain.hpp"

#include <memory>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("SHA-256 unavailable");
  }
  void add(const void* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  void add_int(std::int64_t value) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i)
      bytes[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(value) >> (56 - 8 * i));
    add(bytes, sizeof bytes);
  }
  void add_optional(const std::optional<std::int64_t>& value) {
    const unsigned char present = value ? 1 : 0;
    add(&present, 1);
    if (value) add_int(*value);
  }
  void add_text(std::string_view text) {
    add_int(static_cast<std::int64_t>(text.size()));
    add(text.data(), text.size());
  }
  AuditHash finish() {
    AuditHash out{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), out.data(), &size);
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::optional<std::int64_t> optional_int(sqlite3_value* value) {
  if (sqlite3_value_type(value) == SQLITE_NULL) return std::nullopt;
  return sqlite3_value_int64(value);
}

std::string_view text_of(sqlite3_value* value) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(value)))
              : std::string_view();
}

void audit_hash_sql(sqlite3_context* context, int, sqlite3_value** args) {
  const auto* previous = static_cast<const unsigned char*>(sqlite3_value_blob(args[0]));
  const auto previous_size = static_cast<std::size_t>(sqlite3_value_bytes(args[0]));
  AuditFields entry;
  entry.id = sqlite3_value_int64(args[1]);
  entry.ts_ms = sqlite3_value_int64(args[2]);
  entry.actor_id = optional_int(args[3]);
  entry.action = text_of(args[4]);
  entry.room_id = optional_int(args[5]);
  entry.detail = text_of(args[6]);
  try {
    const auto hash = audit_entry_hash({previous, previous ? previous_size : 0}, entry);
    sqlite3_result_blob(context, hash.data(), static_cast<int>(hash.size()), SQLITE_TRANSIENT);
  } catch (const std::exception& e) {
    sqlite3_result_error(context, e.what(), -1);
  }
}

struct StoredEntry {
  std::int64_t id = 0;
  std::int64_t ts_ms = 0;
  std::optional<std::int64_t> actor_id;
  std::string action;
  std::optional<std::int64_t> room_id;
  std::string detail;
  std::vector<unsigned char> hash;
};

// Walks the log in id order, a page at a time (the log grows without bound).
template <typename Visit>
void for_each_entry(Database& db, Visit&& visit) {
  std::int64_t after = 0;
  for (;;) {
    auto& st = db.prepare(
        "SELECT id, ts_ms, actor_id, action, room_id, detail, hash FROM audit WHERE id > ? "
        "ORDER BY id LIMIT 1000");
    st.bind(1, after);
    std::vector<StoredEntry> page;
    while (st.step()) {
      StoredEntry e;
      e.id = st.int64(0);
      e.ts_ms = st.int64(1);
      if (!st.is_null(2)) e.actor_id = st.int64(2);
      e.action = st.text(3);
      if (!st.is_null(4)) e.room_id = st.int64(4);
      e.detail = st.text(5);
      e.hash = st.blob(6);
      page.push_back(std::move(e));
    }
    st.reset();
    if (page.empty()) return;
    for (const auto& e : page)
      visit(e);
    after = page.back().id;
  }
}

AuditFields fields_of(const StoredEntry& e) {
  return AuditFields{e.id, e.ts_ms, e.actor_id, e.action, e.room_id, e.detail};
}

}  // namespace

AuditHash audit_entry_hash(std::span<const unsigned char> previous, const AuditFields& entry) {
  Sha256 sha;
  sha.add_int(static_cast<std::int64_t>(previous.size()));
  sha.add(previous.data(), previous.size());
  sha.add_int(entry.id);
  sha.add_int(entry.ts_ms);
  sha.add_optional(entry.actor_id);
  sha.add_text(entry.action);
  sha.add_optional(entry.room_id);
  sha.add_text(entry.detail);
  return sha.finish();
}

void register_audit_hash_function(sqlite3* db) {
  check(db,
        sqlite3_create_function(db, "musubi_audit_hash", 7, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                nullptr, &audit_hash_sql, nullptr, nullptr),
        "register musubi_audit_hash");
}

void seal_audit_chain(Database& db) {
  // Runs at every start: look at the oldest entry only. Unhashed entries can only be the oldest
  // ones (every append hashes, and sealing is one transaction), so a whole-table scan is needed
  // only once, after the upgrade.
  auto& oldest = db.prepare("SELECT hash IS NULL FROM audit ORDER BY id LIMIT 1");
  const bool unsealed = oldest.step() && oldest.int64(0) != 0;
  oldest.reset();
  if (!unsealed) return;
  Transaction tx(db, Transaction::Kind::immediate);
  std::vector<unsigned char> previous;
  std::vector<std::pair<std::int64_t, AuditHash>> sealed;
  for_each_entry(db, [&](const StoredEntry& e) {
    if (!e.hash.empty()) {
      previous = e.hash;
      return;
    }
    const auto hash = audit_entry_hash(previous, fields_of(e));
    sealed.emplace_back(e.id, hash);
    previous.assign(hash.begin(), hash.end());
  });
  for (const auto& [id, hash] : sealed) {
    db.prepare("UPDATE audit SET hash = ? WHERE id = ?")
        .bind_blob(1, hash.data(), hash.size())
        .bind(2, id)
        .run();
  }
  tx.commit();
}

AuditVerification verify_audit_chain(Database& db) {
  AuditVerification result;
  std::vector<unsigned char> previous;
  // One read transaction: a consistent snapshot while the server goes on appending.
  Transaction tx(db);
  for_each_entry(db, [&](const StoredEntry& e) {
    if (result.first_broken_id) return;
    ++result.entries;
    const auto expected = audit_entry_hash(previous, fields_of(e));
    if (e.hash.size() != expected.size() ||
        !std::equal(expected.begin(), expected.end(), e.hash.begin())) {
      result.first_broken_id = e.id;
      return;
    }
    previous = e.hash;
  });
  if (!result.first_broken_id) result.head_hash_hex = to_hex(previous);
  return result;
}

}  // namespace musubi::storage
