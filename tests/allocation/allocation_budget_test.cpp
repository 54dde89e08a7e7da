// How many heap allocations the network thread's part of a post costs: its frames, and handing
// its write to the store. Every post is acked and every event written once per post; these
// budgets keep them from sliding back to a json tree per frame or a bundle of std::functions per
// job. Counted by replacing the global operator new for this test program (the count is per
// thread, so the storage threads' own allocations are not counted).
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/envelope.hpp"
#include "protocol/json_text.hpp"
#include "protocol/plain_post.hpp"
#include "protocol/room_event.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace musubi::protocol {
namespace {

using nlohmann::json;

// Allocations made by f, after a first call has warmed this thread's scratch text.
template <class F>
std::size_t allocations_of(F f) {
  f();
  const auto before = allocations;
  f();
  return allocations - before;
}

TEST(AllocationBudget, AReplyWithItsResultAlreadyTextIsOneAllocation) {
  const json id = "post-17";
  const std::string result =
      R"({"notified":0,"room":"r-4f1c","seq":1042,"ts":"2026-12-06T09:00:00.000Z"})";
  EXPECT_EQ(allocations_of([&] { return encode_ok_text(id, result); }), 1U);
}

TEST(AllocationBudget, AReplyBuiltAsJsonIsOneAllocationForTheFrame) {
  const json id = "post-17";
  const json result = {{"room", "r-4f1c"}, {"seq", 1042}, {"duplicate", true}};
  EXPECT_EQ(allocations_of([&] { return encode_ok(id, result); }), 1U);
}

TEST(AllocationBudget, APlainPostReadFromItsTextIsTwoAllocations) {
  // The id (a json string) and the text; the room, the nonce and the keys fit in std::string's
  // own buffer.
  const std::string frame = R"({"id":"post-17","op":"room.post","body":{"room":"r-4f1c","text":")" +
                            std::string(200, 'a') + R"(","nonce":"n-88"}})";
  EXPECT_EQ(allocations_of([&] { return read_plain_post(frame, BodyLimits{}, 16); }), 2U);
}

TEST(AllocationBudget, ALiveEventIsOneAllocation) {
  const RoomEvent header{"r-4f1c", 1042, 1'764'000'000'000, "message", {"tanaka", "田中 花子"}, {}};
  const std::string content = R"({"text":")" + std::string(200, 'x') + R"("})";
  EXPECT_EQ(allocations_of([&] { return encode_room_event_text(header, content); }), 1U);
}

TEST(AllocationBudget, DumpIsOneAllocationForItsResult) {
  const json content = {{"text", std::string(200, 'x')}, {"to", json::array({"a", "b"})}};
  EXPECT_EQ(allocations_of([&] { return dump(content); }), 1U);
}

TEST(AllocationBudget, HandingAWriteToTheStoreIsOneAllocation) {
  testing::TempDir dir;
  storage::StoreOptions options;
  options.path = dir.path() / "musubi.db";
  storage::Store store(options);
  // Captures too large for std::function's own buffer, as a post's are.
  const std::array<char, 64> payload{};
  std::atomic<int> finished = 0;
  auto submit = [&] {
    store.write([payload](storage::Database&) { return payload[0]; },
                [&finished, payload](std::optional<char> written) {
                  if (written == payload[0]) ++finished;
                });
  };
  submit();
  constexpr std::size_t writes = 64;
  const auto before = allocations;
  for (std::size_t i = 0; i < writes; ++i)
    submit();
  const auto made = allocations - before;
  // One per write (the job's task, which holds the work, its completion and the result), and
  // now and then a block of the queue.
  EXPECT_GE(made, writes);
  EXPECT_LE(made, writes + writes / 8);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (finished != static_cast<int>(writes) + 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(finished, static_cast<int>(writes) + 1);
}

}  // namespace
}  // namespace musubi::protocol
