#include "server/durable_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <system_error>
#include <unistd.h>

namespace musubi::server {

namespace fs = std::filesystem;

namespace {

void sync_path(const fs::path& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) throw std::system_error(saved, std::generic_category(), what);
}

}  // namespace

void sync_directory(const fs::path& dir) {
  sync_path(dir, O_RDONLY | O_DIRECTORY, "sync directory");
}

void create_directories_durably(const fs::path& dir) {
  if (fs::is_directory(dir)) return;
  const auto parent = dir.parent_path();
  if (!parent.empty() && parent != dir) create_directories_durably(parent);
  if (fs::create_directory(dir)) sync_directory(parent.empty() ? fs::path(".") : parent);
}

StagedFile::StagedFile(fs::path target, fs::path temporary)
    : target_(std::move(target)), temporary_(std::move(temporary)) {}

StagedFile::~StagedFile() {
  if (committed_) return;
  std::error_code ec;
  fs::remove(temporary_, ec);
}

void StagedFile::commit() {
  if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
    throw std::system_error(errno, std::generic_category(), "rename into place");
  }
  committed_ = true;
  sync_directory(target_.parent_path());
}

void copy_durably(const fs::path& from, const fs::path& to) {
  StagedFile staged(to, to.parent_path() / ("." + to.filename().string() + ".partial"));
  // Removed first: copy_file cannot overwrite a left-over copy of a read-only file.
  fs::remove(staged.temporary());
  fs::copy_file(from, staged.temporary());
  sync_path(staged.temporary(), O_RDONLY, "sync copied file");
  staged.commit();
}

}  // namespace musubi::server
