#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace musubi::server {

// Files kept by their content: each under its SHA-256 (lowercase hex), in a directory of its
// first two hex digits. A file stored twice is kept once; a stored file never changes.
// Blocking file I/O: call it from a worker thread, not a network thread.
class BlobStore {
 public:
  // Creates the directory (mode 0700) if needed.
  explicit BlobStore(std::filesystem::path directory);

  // Stores `bytes` durably (written to a temporary file, fsynced, renamed into place, the
  // directory fsynced) unless already there, and returns their SHA-256. Throws
  // std::system_error when the disk refuses, leaving no temporary file behind.
  std::string put(std::string_view bytes) const;

  // Where the file with this SHA-256 is (whether or not it exists).
  std::filesystem::path path_of(std::string_view sha256) const;
  // The same in the store at `directory`, without creating it (for checking a backup as it is).
  static std::filesystem::path path_of(const std::filesystem::path& directory,
                                       std::string_view sha256);

  static std::string sha256_hex(std::string_view bytes);

 private:
  std::filesystem::path directory_;
};

}  // namespace musubi::server
