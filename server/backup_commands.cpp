#include "server/backup_commands.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

#include <sqlite3.h>

#include "server/blob_store.hpp"
#include "server/clock.hpp"
#include "server/data_directory.hpp"
#include "server/durable_file.hpp"
#include "storage/audit.hpp"
#include "storage/audit_chain.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace musubi::server {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDatabaseFile = "musubi.db";
constexpr const char* kAttachmentsDir = "attachments";

bool is_sha256_name(const fs::path& file) {
  const auto name = file.filename().string();
  if (name.size() != 64) return false;
  for (const char c : name)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Copies the stored files of `from` into `to`, skipping those already there and half-written
// uploads and copies (their temporary names are not SHA-256s). Each file is copied whole under a
// temporary name, so that one already there is complete. Returns how many were copied.
std::int64_t copy_blobs(const fs::path& from, const fs::path& to) {
  std::int64_t copied = 0;
  if (!fs::exists(from)) return copied;
  for (const auto& entry : fs::recursive_directory_iterator(from)) {
    if (!entry.is_regular_file() || !is_sha256_name(entry.path())) continue;
    const auto target = to / fs::relative(entry.path(), from);
    if (fs::exists(target)) continue;
    create_directories_durably(target.parent_path());
    copy_durably(entry.path(), target);
    ++copied;
  }
  return copied;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string integrity(storage::Database& db) {
  auto& st = db.prepare("PRAGMA integrity_check");
  std::string result = st.step() ? st.text(0) : "no answer";
  st.reset();
  return result;
}

}  // namespace

BackupCheck check_backup(const fs::path& dir) {
  BackupCheck check;
  const auto db_path = dir / kDatabaseFile;
  if (!fs::is_regular_file(db_path)) {
    check.problem = "no " + db_path.string();
    return check;
  }
  try {
    storage::Database db(db_path, storage::OpenMode::read_only);
    if (const auto result = integrity(db); result != "ok") {
      check.problem = "integrity_check: " + result;
      return check;
    }
    const auto version = storage::schema_version(db);
    if (version < 1 || version > storage::latest_schema_version()) {
      check.problem = "schema version " + std::to_string(version) + " (this build knows 1.." +
                      std::to_string(storage::latest_schema_version()) + ")";
      return check;
    }
    // Backups of schema 4 and older have no hashes yet: restore seals them when it migrates.
    if (version >= 5) {
      const auto chain = storage::verify_audit_chain(db);
      if (!chain.ok()) {
        check.problem = "audit chain broken at entry " + std::to_string(*chain.first_broken_id);
        return check;
      }
      check.audit_entries = chain.entries;
    }
    auto& st = db.prepare("SELECT DISTINCT sha256 FROM attachments");
    while (st.step()) {
      const auto sha = st.text(0);
      const auto path = BlobStore::path_of(dir / kAttachmentsDir, sha);
      if (!fs::is_regular_file(path)) {
        check.problem = "attachment " + sha + " missing";
        return check;
      }
      if (BlobStore::sha256_hex(file_bytes(path)) != sha) {
        check.problem = "attachment " + sha + " does not match its SHA-256";
        return check;
      }
      ++check.attachments;
    }
  } catch (const std::exception& e) {
    check.problem = e.what();
  }
  return check;
}

int backup(const ServerConfig& config, const fs::path& dest, std::ostream& out, std::ostream& err) {
  try {
    if (!fs::exists(config.database_path())) {
      err << "musubid: no database at " << config.database_path().string() << "\n";
      return 1;
    }
    if (fs::exists(dest) && !fs::is_empty(dest)) {
      err << "musubid: " << dest.string() << " is not empty; back up into a new directory\n";
      return 1;
    }
    create_directories_durably(dest);
    fs::permissions(dest, fs::perms::owner_all, fs::perm_options::replace);
    {
      storage::Database source(config.database_path(), storage::OpenMode::read_only);
      storage::Database copy(dest / kDatabaseFile, storage::OpenMode::read_write);
      // One step of all pages: the whole copy comes from one read transaction, a consistent
      // snapshot, while the server goes on writing to its WAL.
      sqlite3_backup* job = sqlite3_backup_init(copy.handle(), "main", source.handle(), "main");
      if (!job) storage::check(copy.handle(), sqlite3_errcode(copy.handle()), "backup");
      const int rc = sqlite3_backup_step(job, -1);
      sqlite3_backup_finish(job);
      if (rc != SQLITE_DONE) storage::check(copy.handle(), rc, "backup");
    }
    sync_directory(dest);  // SQLite syncs the file's contents, not its new name
    const auto files = copy_blobs(config.attachments_path(), dest / kAttachmentsDir);
    const auto check = check_backup(dest);
    if (!check.ok()) {
      err << "musubid: the backup in " << dest.string() << " failed its check: " << check.problem
          << "\n";
      return 1;
    }
    auto db = open_admin_database(config);
    storage::append_audit(
        *db, now_ms(), std::nullopt, "backup", std::nullopt,
        "dest=" + dest.string() + " audit_entries=" + std::to_string(check.audit_entries));
    out << "backed up to " << dest.string() << ": database checked, " << check.audit_entries
        << " audit entries, " << check.attachments << " attachments (" << files
        << " files copied)\n";
    return 0;
  } catch (const std::exception& e) {
    err << "musubid: backup failed: " << e.what() << "\n";
    return 1;
  }
}

int restore(const ServerConfig& config, const fs::path& src, std::ostream& out, std::ostream& err) {
  try {
    // A left-over log or shared-memory file would be taken for the restored database's own:
    // SQLite would replay that log onto it.
    const auto db_path = config.database_path();
    for (const auto& file :
         {db_path, fs::path(db_path.string() + "-wal"), fs::path(db_path.string() + "-shm")}) {
      if (fs::exists(file)) {
        err << "musubid: " << file.string()
            << " exists; stop the server and move the data directory aside before restoring\n";
        return 1;
      }
    }
    const auto check = check_backup(src);
    if (!check.ok()) {
      err << "musubid: " << src.string() << " is not a sound backup: " << check.problem << "\n";
      return 1;
    }
    prepare_data_directory(config);
    // The database last, renamed into place whole: a restore that fails before it leaves no
    // database, so running it again is allowed (and skips the files already copied).
    copy_blobs(src / kAttachmentsDir, config.attachments_path());
    copy_durably(src / kDatabaseFile, db_path);
    sync_directory(fs::canonical(config.data_dir).parent_path());  // which may be new
    auto db = open_admin_database(config);  // migrates a backup of an older version
    storage::append_audit(*db, now_ms(), std::nullopt, "restore", std::nullopt,
                          "src=" + src.string());
    out << "restored " << src.string() << " into " << config.data_dir.string() << ": "
        << check.audit_entries << " audit entries, " << check.attachments
        << " attachments; start musubid on it\n";
    return 0;
  } catch (const std::exception& e) {
    err << "musubid: restore failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace musubi::server
