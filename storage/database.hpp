#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/statement.hpp"

struct sqlite3;

namespace musubi::storage {

// An SQLite failure that is not an expected outcome (I/O error, full disk, corrupt file, a bug).
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

enum class OpenMode { read_write, read_only };

// One SQLite connection with its cache of prepared statements. Not thread-safe: each thread
// (the writer, each reader, an admin command) owns its own.
class Database {
 public:
  // Opens (creating when read_write) the file, sets WAL mode, the busy timeout and
  // `synchronous`; `vfs` names the SQLite VFS, nullptr the default. Throws SqliteError.
  Database(const std::filesystem::path& path, OpenMode mode,
           const std::string& synchronous = "FULL", int busy_timeout_ms = 5000,
           const char* vfs = nullptr);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL text without parameters (schema, pragmas, transaction control).
  void exec(const char* sql);

  // A prepared statement, cached by its SQL text and reset for reuse. User input is only ever
  // bound as a parameter, never spliced into `sql`.
  Statement& prepare(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }

 private:
  void configure(OpenMode mode, const std::string& synchronous);

  sqlite3* db_ = nullptr;
  // Looked up by string_view without building a string: prepare() runs for every statement of
  // every write.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>>
      statements_;
};

// What the exception being handled says (inside a catch block), for logs.
std::string describe_current_exception();

// Throws SqliteError with the connection's message when rc is not OK/ROW/DONE.
void check(sqlite3* db, int rc, const char* context);

// BEGIN (deferred or immediate) ... COMMIT, rolled back when destroyed without commit().
class Transaction {
 public:
  enum class Kind { deferred, immediate };
  explicit Transaction(Database& db, Kind kind = Kind::deferred);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace musubi::storage
