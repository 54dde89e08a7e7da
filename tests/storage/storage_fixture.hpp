#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/rooms.hpp"
#include "storage/users.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage::test {

// A migrated database file in a fresh temporary directory, with helpers to add the rows that
// foreign keys require.
class StorageTest : public ::testing::Test {
 protected:
  StorageTest() : db_(path(), OpenMode::read_write) { migrate(db_); }

  std::filesystem::path path() const { return dir_.path() / "musubi.db"; }

  std::int64_t add_user(const std::string& login, const std::string& name = "", bool admin = false,
                        std::int64_t now_ms = 1000) {
    const auto id = insert_user(
        db_, NewUser{login, name.empty() ? "Name of " + login : name, "hash-" + login, admin},
        now_ms);
    EXPECT_TRUE(id.has_value()) << login;
    return id.value_or(0);
  }

  std::int64_t add_room(const std::string& public_id, std::int64_t creator,
                        const std::string& title = "", std::int64_t now_ms = 2000) {
    return insert_room(db_, public_id, title.empty() ? "Room " + public_id : title, creator,
                       now_ms);
  }

  // One integer from a query without parameters (test inspection only).
  std::int64_t scalar(const char* sql) {
    auto& st = db_.prepare(sql);
    EXPECT_TRUE(st.step()) << sql;
    const auto value = st.int64(0);
    st.reset();
    return value;
  }

  musubi::testing::TempDir dir_;
  Database db_;
};

// Counts completions from other threads; wait() blocks until `expected` have arrived (or a
// generous deadline passes, so that a bug fails the test instead of hanging it).
class Countdown {
 public:
  explicit Countdown(int expected) : left_(expected) {}

  void arrive() {
    std::lock_guard lock(mutex_);
    --left_;
    changed_.notify_all();
  }

  bool wait(std::chrono::seconds deadline = std::chrono::seconds(60)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [this] { return left_ <= 0; });
  }

  int left() const {
    std::lock_guard lock(mutex_);
    return left_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int left_;
};

}  // namespace musubi::storage::test
