#include "storage/database.hpp"

#include <sqlite3.h>

#include "storage/audit_chain.hpp"

namespace musubi::storage {

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

void check(sqlite3* db, int rc, const char* context) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  std::string message = context;
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw SqliteError(rc, message);
}

Database::Database(const std::filesystem::path& path, OpenMode mode, const std::string& synchronous,
                   int busy_timeout_ms, const char* vfs) {
  const int flags = (mode == OpenMode::read_write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                  : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
  if (rc != SQLITE_OK) {
    const std::string message =
        "open " + path.string() + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc, message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  try {
    configure(mode, synchronous);
  } catch (...) {
    sqlite3_close(db_);  // a throwing constructor gets no destructor
    db_ = nullptr;
    throw;
  }
}

void Database::configure(OpenMode mode, const std::string& synchronous) {
  register_audit_hash_function(db_);
  if (mode == OpenMode::read_write) {
    exec("PRAGMA journal_mode=WAL");
    // Only a fixed set of values is accepted, so this is never user text in SQL.
    static const char* const allowed[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
    bool known = false;
    for (const char* value : allowed)
      known = known || synchronous == value;
    if (!known) throw SqliteError(SQLITE_MISUSE, "synchronous must be OFF, NORMAL, FULL or EXTRA");
    exec(("PRAGMA synchronous=" + synchronous).c_str());
    exec("PRAGMA foreign_keys=ON");
    // 64 MiB of page cache for the writer instead of SQLite's 2 MiB: its working set (rooms,
    // memberships, the (room, seq) index pages of every busy room) then stays in memory. Only
    // the writer: its cache survives its own commits, while a reader's is dropped whenever the
    // database changed, and dropping a large one costs more than it saves.
    exec("PRAGMA cache_size=-65536");
  }
}

Database::~Database() {
  statements_.clear();  // finalize before closing
  sqlite3_close(db_);
}

void Database::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(rc, message);
  }
}

Statement& Database::prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    auto statement = std::make_unique<Statement>(db_, std::string(sql).c_str());
    it = statements_.emplace(std::string(sql), std::move(statement)).first;
  }
  return it->second->reset();
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
  return sqlite3_changes(db_);
}

// Prepared once per connection, like every other statement: the writer begins and commits a
// transaction per group commit, and a reader one per read.
Transaction::Transaction(Database& db, Kind kind) : db_(db) {
  db_.prepare(kind == Kind::immediate ? "BEGIN IMMEDIATE" : "BEGIN").run();
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.prepare("ROLLBACK").run();
    } catch (const SqliteError&) {
      // The transaction may already have been rolled back by SQLite itself.
    }
  }
}

void Transaction::commit() {
  db_.prepare("COMMIT").run();
  done_ = true;
}

}  // namespace musubi::storage
