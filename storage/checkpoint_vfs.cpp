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

int log_close(sqlite3_file* f) {
  auto* r = real(f);
  return r->pMethods->xClose(r);
}
int log_read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
  auto* r = real(f);
  return r->pMethods->xRead(r, data, amount, offset);
}
int log_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  auto* r = real(f);
  return r->pMethods->xWrite(r, data, amount, offset);
}
int log_truncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* r = real(f);
  return r->pMethods->xTruncate(r, size);
}
int log_sync(sqlite3_file*, int) {
  skipped.fetch_add(1, std::memory_order_relaxed);
  return SQLITE_OK;
}
int log_file_size(sqlite3_file* f, sqlite3_int64* size) {
  auto* r = real(f);
  return r->pMethods->xFileSize(r, size);
}
int log_lock(sqlite3_file* f, int level) {
  auto* r = real(f);
  return r->pMethods->xLock(r, level);
}
int log_unlock(sqlite3_file* f, int level) {
  auto* r = real(f);
  return r->pMethods->xUnlock(r, level);
}
int log_check_reserved_lock(sqlite3_file* f, int* out) {
  auto* r = real(f);
  return r->pMethods->xCheckReservedLock(r, out);
}
int log_file_control(sqlite3_file* f, int op, void* arg) {
  auto* r = real(f);
  return r->pMethods->xFileControl(r, op, arg);
}
int log_sector_size(sqlite3_file* f) {
  auto* r = real(f);
  return r->pMethods->xSectorSize(r);
}
int log_device_characteristics(sqlite3_file* f) {
  auto* r = real(f);
  return r->pMethods->xDeviceCharacteristics(r);
}
// SQLite maps the log's index through the database file, never through the log; these only
// keep the method table complete.
int log_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  auto* r = real(f);
  return r->pMethods->iVersion >= 2 ? r->pMethods->xShmMap(r, region, size, extend, out)
                                    : SQLITE_IOERR_SHMMAP;
}
int log_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  auto* r = real(f);
  return r->pMethods->iVersion >= 2 ? r->pMethods->xShmLock(r, offset, n, flags)
                                    : SQLITE_IOERR_SHMLOCK;
}
void log_shm_barrier(sqlite3_file* f) {
  auto* r = real(f);
  if (r->pMethods->iVersion >= 2) r->pMethods->xShmBarrier(r);
}
int log_shm_unmap(sqlite3_file* f, int delete_flag) {
  auto* r = real(f);
  return r->pMethods->iVersion >= 2 ? r->pMethods->xShmUnmap(r, delete_flag) : SQLITE_OK;
}
int log_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  auto* r = real(f);
  if (r->pMethods->iVersion >= 3) return r->pMethods->xFetch(r, offset, amount, out);
  *out = nullptr;
  return SQLITE_OK;
}
int log_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  auto* r = real(f);
  return r->pMethods->iVersion >= 3 ? r->pMethods->xUnfetch(r, offset, page) : SQLITE_OK;
}

const sqlite3_io_methods log_methods = {
    3,
    log_close,
    log_read,
    log_write,
    log_truncate,
    log_sync,
    log_file_size,
    log_lock,
    log_unlock,
    log_check_reserved_lock,
    log_file_control,
    log_sector_size,
    log_device_characteristics,
    log_shm_map,
    log_shm_lock,
    log_shm_barrier,
    log_shm_unmap,
    log_fetch,
    log_unfetch,
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
