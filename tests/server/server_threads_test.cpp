// musubid's threads: named for `top -H` and perf, and the CPU-heavy pool in the background.
#include <algorithm>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "tests/support/process_threads.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

TEST(ServerThreads, EveryThreadHasItsRoleAndThePasswordPoolRunsInTheBackground) {
  TestServer server{[](server::ServerConfig& c) { c.threads = 2; }};
  const int normal = getpriority(PRIO_PROCESS, 0);
  const auto network = threads_named("musubid-network", 2);
  ASSERT_EQ(network.size(), 2u);
  for (const auto& tid : network)
    EXPECT_EQ(nice_of(tid), normal);
  ASSERT_EQ(threads_named("musubid-writer").size(), 1u);
  EXPECT_EQ(nice_of(threads_named("musubid-writer")[0]), normal);
  EXPECT_FALSE(threads_named("musubid-reader").empty());
  ASSERT_EQ(threads_named("musubid-checkpt").size(), 1u);
  EXPECT_EQ(nice_of(threads_named("musubid-checkpt")[0]), std::min(normal + 10, 19));
  // Argon2id at sign-in and upload hashing give way to deliveries and commits.
  const auto work = threads_named("musubid-work", 2);
  ASSERT_EQ(work.size(), 2u);
  for (const auto& tid : work)
    EXPECT_EQ(nice_of(tid), std::min(normal + 10, 19));
}

}  // namespace
}  // namespace musubi::testing
