#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/organizations.hpp"
#include "storage/patients.hpp"
#include "storage/room_requests.hpp"
#include "storage/rooms.hpp"
#include "storage/users.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage::test {

// A migrated database file in a fresh temporary directory, with helpers to add the rows that
// foreign keys require.
class StorageTest : public ::testing::Test {
 protected:
  StorageTest() : db_(path(), OpenMode::read_write) {
    migrate(db_);
    org_id_ = add_org("test-vn");
  }

  std::filesystem::path path() const { return dir_.path() / "musubi.db"; }

  std::int64_t add_org(const std::string& code, const std::string& type = "visiting_nursing") {
    Organization org;
    org.code = code;
    org.name = "Org " + code;
    org.type = type;
    org.municipality = "柏市";
    org.association = "柏市医師会";
    org.association_area = "柏市";
    org.registered_on = "2026-04-01";
    org.created_ms = 1;
    const auto id = insert_organization(db_, org);
    EXPECT_TRUE(id.has_value()) << code;
    return id.value_or(0);
  }

  std::int64_t add_user(const std::string& login, const std::string& name = "",
                        const std::string& role = "member", std::int64_t now_ms = 1000) {
    const auto id = insert_user(db_,
                                NewUser{login, name.empty() ? "Name of " + login : name,
                                        "hash-" + login, org_id_, "nurse", role},
                                now_ms);
    EXPECT_TRUE(id.has_value()) << login;
    return id.value_or(0);
  }

  // A room needs a patient and the request that opened it.
  std::int64_t add_room(const std::string& public_id, std::int64_t creator,
                        const std::string& title = "", std::int64_t now_ms = 2000) {
    return insert_room(db_, new_room(public_id, creator, title), now_ms);
  }

  NewRoom new_room(const std::string& public_id, std::int64_t creator,
                   const std::string& title = "") {
    Patient patient;
    patient.public_id = "p-" + public_id;
    patient.name = "患者 " + public_id;
    patient.kana = "カンジャ";
    patient.birth_date = "1940-01-01";
    patient.sex = "female";
    patient.municipality = "柏市";
    patient.address = "柏市";
    patient.registered_by = creator;
    const auto patient_id = insert_patient(db_, patient);
    RoomRequest request;
    request.public_id = "q-" + public_id;
    request.patient_id = patient_id;
    request.requester_id = creator;
    request.requester_profession = "nurse";
    request.physician_id = creator;
    request.physician_setting = "clinic";
    request.state = "open";
    const auto request_id = insert_request(db_, request);
    NewRoom room;
    room.public_id = public_id;
    room.title = title.empty() ? "Room " + public_id : title;
    room.creator = creator;
    room.patient_id = patient_id;
    room.request_id = request_id;
    return room;
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
  std::int64_t org_id_ = 0;
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

  bool wait(std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
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
