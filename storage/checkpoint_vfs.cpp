#include "storage/checkpoint_vfs.hpp"

#include <atomic>
#include <mutex>

#include <sqlite3.h>

namespace musubi::storage {

namespace {

std::atomic<std::uint64_t> skipped{0};
sqlite3_vfs* base_vfs = nullptr;  // set once, before the shim is registered

// A write-ahead log opened through the shim: the default VFS's file right behind this header.
struct LogFile {
  sqlite3_file file;  // first: SQLite sees this
  sqlite3_file* real;
};

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<LogFile*>(f)->real;
}

// Calls the default VFS's method M on the real file.
template <class Method>
struct Forward;
template <class R, class... Args>
struct Forward<R (*)(sqlite3_file*, Args...)> {
  template <R (*sqlite3_io_methods::*M)(sqlite3_file*, Args...)>
  static R call(sqlite3_file* f, Args... args) {
    auto* r = real(f);
    return (r->pMethods->*M)(r, args...);
  }
};
template <class Class, class Member>
Member member_type(Member Class::*);
template <auto M>
constexpr auto forward = &Forward<decltype(member_type(M))>::template call<M>;

int skip_sync(sqlite3_file*, int) {
  skipped.fetch_add(1, std::memory_order_relaxed);
  return SQLITE_OK;
}

// Version 1: SQLite maps memory and shared memory through the database file, never the log.
const sqlite3_io_methods log_methods = {
    1,
    forward<&sqlite3_io_methods::xClose>,
    forward<&sqlite3_io_methods::xRead>,
    forward<&sqlite3_io_methods::xWrite>,
    forward<&sqlite3_io_methods::xTruncate>,
    skip_sync,
    forward<&sqlite3_io_methods::xFileSize>,
    forward<&sqlite3_io_methods::xLock>,
    forward<&sqlite3_io_methods::xUnlock>,
    forward<&sqlite3_io_methods::xCheckReservedLock>,
    forward<&sqlite3_io_methods::xFileControl>,
    forward<&sqlite3_io_methods::xSectorSize>,
    forward<&sqlite3_io_methods::xDeviceCharacteristics>,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int shim_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
  auto* log = reinterpret_cast<LogFile*>(file);
  log->real = reinterpret_cast<sqlite3_file*>(log + 1);
  log->real->pMethods = nullptr;
  const int rc = base_vfs->xOpen(base_vfs, name, log->real, flags, out_flags);
  // SQLite closes a file whose methods are set, even after a failed open.
  log->file.pMethods = log->real->pMethods != nullptr ? &log_methods : nullptr;
  return rc;
}

sqlite3_vfs shim;

void register_shim() {
  base_vfs = sqlite3_vfs_find(nullptr);
  // Every other method is the default VFS's own, with its own pAppData: they see no difference.
  shim = *base_vfs;
  shim.pNext = nullptr;
  shim.zName = "musubi-checkpoint";
  shim.szOsFile = static_cast<int>(sizeof(LogFile)) + base_vfs->szOsFile;
  shim.xOpen = shim_open;
  sqlite3_vfs_register(&shim, 0);
}

}  // namespace

const char* checkpoint_vfs() {
  static std::once_flag once;
  std::call_once(once, register_shim);
  return shim.zName;
}

bool commits_sync_the_log(std::string_view synchronous) {
  return synchronous == "FULL" || synchronous == "EXTRA";
}

std::uint64_t skipped_log_syncs() {
  return skipped.load(std::memory_order_relaxed);
}

}  // namespace musubi::storage
