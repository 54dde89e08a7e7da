#include "storage/thread_role.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "storage/checkpointer.hpp"
#include "storage/database.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage {
namespace {

std::string read_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The nice value of one of this process's threads (field 19 of its stat line).
int nice_of(const std::string& tid) {
  const auto stat = read_line("/proc/self/task/" + tid + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  for (int i = 3; i <= 19; ++i)
    fields >> field;
  return std::stoi(field);
}

// The id of this process's thread called `name`, once one is (five seconds at most).
std::optional<std::string> thread_named(const std::string& name) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      if (read_line(task.path() / "comm") == name) return task.path().filename().string();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

TEST(ThreadRole, NamesTheCallingThreadCuttingLongNames) {
  std::string comm;
  std::thread([&] {
    take_thread_role("musubid-a-very-long-name");
    comm = read_line("/proc/self/task/" + std::to_string(gettid()) + "/comm");
  }).join();
  EXPECT_EQ(comm, "musubid-a-very-");  // the kernel keeps 15 characters
}

TEST(ThreadRole, BackgroundLowersOnlyTheCallingThread) {
  const int before = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  int normal = -100;
  int background = -100;
  std::thread([&] {
    take_thread_role("musubid-normal");
    normal = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  }).join();
  std::thread([&] {
    take_thread_role("musubid-bg", ThreadPriority::background);
    background = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  }).join();
  EXPECT_EQ(normal, before);
  EXPECT_EQ(background, std::min(before + 10, 19));
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), before);
}

TEST(ThreadRole, TheCheckpointerRunsInTheBackground) {
  testing::TempDir dir;
  Database writer(dir.path() / "musubi.db", OpenMode::read_write);
  Checkpointer checkpointer(dir.path() / "musubi.db", "FULL", 5000);
  const auto tid = thread_named("musubid-checkpt");
  ASSERT_TRUE(tid) << "no thread named musubid-checkpt";
  EXPECT_EQ(nice_of(*tid), std::min(getpriority(PRIO_PROCESS, 0) + 10, 19));
}

}  // namespace
}  // namespace musubi::storage
