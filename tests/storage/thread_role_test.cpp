#include "storage/thread_role.hpp"

#include <algorithm>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "storage/checkpointer.hpp"
#include "storage/database.hpp"
#include "tests/support/process_threads.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage {
namespace {

TEST(ThreadRole, NamesTheCallingThreadCuttingLongNames) {
  std::string comm;
  std::thread([&] {
    take_thread_role("musubid-a-very-long-name");
    std::ifstream("/proc/self/task/" + std::to_string(gettid()) + "/comm") >> comm;
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
  const auto tids = testing::threads_named("musubid-checkpt");
  ASSERT_EQ(tids.size(), 1u) << "no thread named musubid-checkpt";
  EXPECT_EQ(testing::nice_of(tids[0]), std::min(getpriority(PRIO_PROCESS, 0) + 10, 19));
}

}  // namespace
}  // namespace musubi::storage
