#pragma once

#include <filesystem>

namespace musubi::server {

// Writing files so that a crash or a failed step leaves either the whole file under its name or
// nothing: written under a temporary name, fsynced, renamed into place, and the directory that
// names it fsynced (a rename is only durable once its directory is). Blocking file I/O; each
// function throws std::system_error when the disk refuses.

// fsyncs the directory, making the entries created or renamed in it durable.
void sync_directory(const std::filesystem::path& dir);

// std::filesystem::create_directories, with each directory it creates fsynced into its parent.
void create_directories_durably(const std::filesystem::path& dir);

// A file being written at `temporary`, to appear at `target` only when complete. Destroyed
// before commit() (a failed write, a throw), it removes the temporary file.
class StagedFile {
 public:
  StagedFile(std::filesystem::path target, std::filesystem::path temporary);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::filesystem::path& temporary() const { return temporary_; }

  // Renames the (already fsynced) temporary file to the target and fsyncs their directory.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

// Copies `from` to `to` (replacing it) through `.NAME.partial` beside it, fsynced before the
// rename: `to` never holds part of a copy, and a left-over temporary is overwritten next time.
void copy_durably(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace musubi::server
