#include "server/blob_store.hpp"

#include <chrono>
#include <csignal>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

namespace fs = std::filesystem;

// The names in `dir` (empty when it does not exist).
std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  return names;
}

TEST(BlobStore, StoresAFileOnceUnderItsSha256) {
  musubi::testing::TempDir dir;
  const BlobStore blobs(dir.path() / "attachments");
  const std::string bytes = "%PDF-1.4 care plan";
  const auto sha = blobs.put(bytes);
  EXPECT_EQ(sha, BlobStore::sha256_hex(bytes));
  EXPECT_EQ(blobs.put(bytes), sha);
  EXPECT_EQ(entries(blobs.path_of(sha).parent_path()), std::vector<std::string>{sha});
}

// A write that the disk refuses part-way (here the file size limit: write() fails with EFBIG once
// the limit is reached) leaves neither the file nor its temporary upload behind.
TEST(BlobStore, AFailedWriteLeavesNoPartialUpload) {
  musubi::testing::TempDir dir;
  const BlobStore blobs(dir.path() / "attachments");
  const std::string bytes(64 * 1024, 'x');
  const auto sha = BlobStore::sha256_hex(bytes);
  // In a child, so that the limit binds nothing else of this test program.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
    const rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    int code = 0;  // stored
    try {
      blobs.put(bytes);
    } catch (const std::system_error& e) {
      code = e.code() == std::errc::file_too_large ? 1 : 2;
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      FAIL() << "the child did not exit";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << "1: put threw EFBIG; 0: it stored the file";
  EXPECT_EQ(entries(blobs.path_of(sha).parent_path()), std::vector<std::string>{});
  // The limit was the child's: here the same bytes are stored.
  EXPECT_EQ(blobs.put(bytes), sha);
}

}  // namespace
}  // namespace musubi::server
