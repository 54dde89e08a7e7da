#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "server/config.hpp"

namespace musubi::server {

// `musubid backup DEST`: a consistent copy of the data while the server runs. DEST (a new or
// empty directory) receives musubi.db, taken with SQLite's online backup in one read
// transaction, and attachments/, the files that copy refers to (stored files never change, and
// a file is on disk before any row names it, so copying them after the database is enough).
// The copy is checked (check_backup) before the command reports success. Exit 0 done, 1 failed.
int backup(const ServerConfig& config, const std::filesystem::path& dest, std::ostream& out,
           std::ostream& err);

// `musubid restore SRC`: checks the backup in SRC, then copies it into the configured data
// directory, which must not hold a database, nor its -wal or -shm file (stop the server and move
// the old directory aside first: a restore never overwrites data). The attachments are copied
// first and the database is renamed into place last, every file fsynced: a restore that fails
// leaves no database, and can be run again. Exit 0 done, 1 refused or failed.
int restore(const ServerConfig& config, const std::filesystem::path& src, std::ostream& out,
            std::ostream& err);

// What restore checks: PRAGMA integrity_check, a schema this build knows, the audit chain, and
// every attachment the database names present with its SHA-256.
struct BackupCheck {
  std::string problem;  // empty: the backup is sound
  std::int64_t audit_entries = 0;
  std::int64_t attachments = 0;
  bool ok() const { return problem.empty(); }
};
BackupCheck check_backup(const std::filesystem::path& dir);

}  // namespace musubi::server
