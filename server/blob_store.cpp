#include "server/blob_store.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

#include <sodium.h>

#include "server/durable_file.hpp"
#include "server/random_secrets.hpp"

namespace musubi::server {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write attachment");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

BlobStore::BlobStore(std::filesystem::path directory) : directory_(std::move(directory)) {
  create_directories_durably(directory_);
  std::filesystem::permissions(directory_, std::filesystem::perms::owner_all);
}

std::string BlobStore::sha256_hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::filesystem::path BlobStore::path_of(std::string_view sha256) const {
  return path_of(directory_, sha256);
}

std::filesystem::path BlobStore::path_of(const std::filesystem::path& directory,
                                         std::string_view sha256) {
  return directory / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

std::string BlobStore::put(std::string_view bytes) const {
  auto sha256 = sha256_hex(bytes);
  const auto target = path_of(sha256);
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) return sha256;
  const auto dir = target.parent_path();
  create_directories_durably(dir);
  // Removed unless renamed into place: a failed write leaves no partial upload behind.
  StagedFile staged(target, dir / (".upload-" + random_base32(16)));
  {
    FileDescriptor fd(
        ::open(staged.temporary().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) fail("create attachment");
    write_all(fd.get(), bytes);
    if (::fsync(fd.get()) != 0) fail("sync attachment");
  }
  staged.commit();
  return sha256;
}

}  // namespace musubi::server
