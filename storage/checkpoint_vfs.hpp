#pragma once

#include <cstdint>
#include <string_view>

namespace musubi::storage {

// The file system the checkpointer's connection uses when the log is written with
// synchronous=FULL: SQLite's default one, except that it never syncs the write-ahead log.
//
// A checkpoint syncs the log before it copies frames into the database, so that a log written
// with synchronous=NORMAL is on disk before the database depends on it. Under FULL every commit
// has synced its own frames before the log's index shows them, and a checkpoint copies only what
// the index shows: that sync has nothing left to make durable, yet on this kind of disk each one
// is a flush of the whole device cache, and the writer's commits wait behind it. The sync of the
// database file at the end of a checkpoint, which lets the log start again, is untouched.
//
// Returns the name to pass to sqlite3_open_v2; registers it on first use. Thread-safe.
const char* checkpoint_vfs();

// Whether commits written with this `synchronous` setting sync their own frames (FULL, EXTRA),
// so that the checkpointer may use checkpoint_vfs().
bool commits_sync_the_log(std::string_view synchronous);

// Log syncs checkpoint_vfs() has left out since the process started.
std::uint64_t skipped_log_syncs();

}  // namespace musubi::storage
