#include "storage/store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/audit.hpp"
#include "storage/events.hpp"
#include "storage/migrations.hpp"
#include "storage/organizations.hpp"
#include "storage/patients.hpp"
#include "storage/room_requests.hpp"
#include "storage/rooms.hpp"
#include "storage/users.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::storage {
namespace {

using test::Countdown;

// A user row for these tests (the organization it needs is made on first use).
NewUser test_user(Database& db, const std::string& login, const std::string& name,
                  const std::string& role = "member") {
  auto org = find_organization(db, "vn");
  std::int64_t org_id = org ? org->id : 0;
  if (!org) {
    Organization o;
    o.code = "vn";
    o.name = "訪問看護";
    o.type = "visiting_nursing";
    org_id = insert_organization(db, o).value();
  }
  return NewUser{login, name, "h", org_id, "nurse", role};
}

// A room row with the patient and request it needs.
std::int64_t test_room(Database& db, std::int64_t creator) {
  Patient patient;
  patient.public_id = "p";
  patient.name = "患者";
  patient.registered_by = creator;
  const auto patient_id = insert_patient(db, patient);
  RoomRequest request;
  request.public_id = "q";
  request.patient_id = patient_id;
  request.requester_id = creator;
  request.physician_id = creator;
  const auto request_id = insert_request(db, request);
  NewRoom room;
  room.public_id = "r";
  room.title = "Room";
  room.creator = creator;
  room.patient_id = patient_id;
  room.request_id = request_id;
  return insert_room(db, room, 1);
}

class StoreTest : public ::testing::Test {
 protected:
  StoreOptions options(std::size_t max_batch = 1000) const {
    StoreOptions o;
    o.path = dir_.path() / "musubi.db";
    o.synchronous = "NORMAL";
    o.readers = 2;
    o.max_batch = max_batch;
    return o;
  }

  // Waits for one write and returns what its done() received.
  template <class Work>
  auto write_and_wait(Store& store, Work work) {
    using T = std::invoke_result_t<Work&, Database&>;
    Countdown done(1);
    std::optional<T> out;
    bool called = false;
    store.write(std::move(work), [&](std::optional<T> result) {
      out = std::move(result);
      called = true;
      done.arrive();
    });
    EXPECT_TRUE(done.wait());
    EXPECT_TRUE(called);
    return out;
  }

  template <class Work>
  auto read_and_wait(Store& store, Work work) {
    using T = std::invoke_result_t<Work&, Database&>;
    Countdown done(1);
    std::optional<T> out;
    store.read(std::move(work), [&](std::optional<T> result) {
      out = std::move(result);
      done.arrive();
    });
    EXPECT_TRUE(done.wait());
    return out;
  }

  musubi::testing::TempDir dir_;
};

TEST_F(StoreTest, OpeningCreatesTheFileAndMigrates) {
  Store store(options());
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "musubi.db"));
  const auto version = read_and_wait(store, [](Database& db) {
    auto& st = db.prepare("PRAGMA user_version");
    st.step();
    const auto v = st.int64(0);
    st.reset();
    return v;
  });
  EXPECT_EQ(version, latest_schema_version());
  EXPECT_EQ(store.options().synchronous, "NORMAL");
}

TEST_F(StoreTest, BadSynchronousSettingIsRefused) {
  auto o = options();
  o.synchronous = "SOMETIMES";
  EXPECT_THROW(Store{o}, SqliteError);
}

TEST_F(StoreTest, WriteGivesTheWorkResult) {
  Store store(options());
  const auto id = write_and_wait(store, [](Database& db) {
    return insert_user(db, test_user(db, "tanaka", "田中"), 1).value_or(-1);
  });
  ASSERT_TRUE(id.has_value());
  EXPECT_GT(*id, 0);
}

TEST_F(StoreTest, DeferredWriteRidesWithTheNextWrite) {
  auto o = options();
  o.writer_timing.deferral_window = std::chrono::hours(1);
  Store store(o);
  const auto commits_before = store.writer_stats().commits;
  Countdown deferred(1);
  std::optional<bool> deferred_result;
  store.write(
      [](Database& db) {
        insert_user(db, test_user(db, "sato", "佐藤"), 1);
        return true;
      },
      [&](std::optional<bool> result) {
        deferred_result = result;
        deferred.arrive();
      },
      Durability::deferred);
  EXPECT_FALSE(deferred.wait(std::chrono::milliseconds(200)));
  write_and_wait(store, [](Database& db) {
    return insert_user(db, test_user(db, "tanaka", "田中"), 1).value_or(-1);
  });
  ASSERT_TRUE(deferred.wait());
  EXPECT_EQ(deferred_result, true);
  EXPECT_EQ(store.writer_stats().commits, commits_before + 1);
}

TEST_F(StoreTest, ReadsSeeCommittedWrites) {
  Store store(options());
  ASSERT_TRUE(write_and_wait(store, [](Database& db) {
                return insert_user(db, test_user(db, "tanaka", "田中 看護師"), 1).has_value();
              }).value_or(false));
  const auto name = read_and_wait(
      store, [](Database& db) { return find_user_by_login(db, "tanaka").value_or(User{}).name; });
  EXPECT_EQ(name, "田中 看護師");
}

TEST_F(StoreTest, ReadersCannotWrite) {
  Store store(options());
  const auto result = read_and_wait(
      store, [](Database& db) { return insert_user(db, test_user(db, "x", "x"), 1).has_value(); });
  EXPECT_EQ(result, std::nullopt);
}

TEST_F(StoreTest, ThrowingWriteGivesNulloptAndIsRolledBack) {
  Store store(options());
  const auto result = write_and_wait(store, [](Database& db) -> int {
    insert_user(db, test_user(db, "ghost", "g"), 1);
    throw std::runtime_error("fails after writing");
  });
  EXPECT_EQ(result, std::nullopt);
  const auto count = read_and_wait(store, [](Database& db) { return count_users(db); });
  EXPECT_EQ(count, 0);
}

TEST_F(StoreTest, ThrowingReadGivesNullopt) {
  Store store(options());
  const auto result =
      read_and_wait(store, [](Database&) -> int { throw std::runtime_error("read failed"); });
  EXPECT_EQ(result, std::nullopt);
  // The reader thread survives and serves the next read.
  EXPECT_EQ(read_and_wait(store, [](Database& db) { return count_users(db); }), 0);
}

TEST_F(StoreTest, WritesFromManyThreadsGetGaplessSeqs) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  Store store(options());
  const auto room = write_and_wait(store, [](Database& db) {
    const auto user = insert_user(db, test_user(db, "tanaka", "田中"), 1).value();
    return test_room(db, user);
  });
  ASSERT_TRUE(room.has_value());

  Countdown done(kThreads * kPerThread);
  std::mutex mutex;
  std::vector<std::int64_t> seqs;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        store.write(
            [room_id = *room](Database& db) {
              return append_event(db,
                                  NewEvent{room_id, "message", 1, "{}", std::nullopt, 5, {}, {}});
            },
            [&](std::optional<std::int64_t> seq) {
              if (seq) {
                std::lock_guard lock(mutex);
                seqs.push_back(*seq);
              } else {
                ++failures;
              }
              done.arrive();
            });
      }
    });
  }
  for (auto& t : threads)
    t.join();
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(failures, 0);
  const std::set<std::int64_t> unique(seqs.begin(), seqs.end());
  ASSERT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*unique.begin(), 1);
  EXPECT_EQ(*unique.rbegin(), kThreads * kPerThread);
  EXPECT_EQ(store.writer_stats().jobs, static_cast<std::uint64_t>(1 + kThreads * kPerThread));
}

TEST_F(StoreTest, WorkAfterStopFailsAtOnce) {
  Store store(options());
  store.stop();
  bool write_called = false, read_called = false, applied = false;
  std::optional<int> write_result = 1, read_result = 1;
  store.write(
      [&](Database&) {
        applied = true;
        return 1;
      },
      [&](std::optional<int> r) {
        write_called = true;
        write_result = r;
      });
  store.read(
      [&](Database&) {
        applied = true;
        return 1;
      },
      [&](std::optional<int> r) {
        read_called = true;
        read_result = r;
      });
  EXPECT_TRUE(write_called);
  EXPECT_TRUE(read_called);
  EXPECT_EQ(write_result, std::nullopt);
  EXPECT_EQ(read_result, std::nullopt);
  EXPECT_FALSE(applied);
}

TEST_F(StoreTest, StopDrainsQueuedWrites) {
  constexpr int kWrites = 100;
  std::atomic<int> succeeded = 0;
  {
    Store store(options(7));
    for (int i = 0; i < kWrites; ++i) {
      store.write(
          [i](Database& db) {
            return insert_user(db, test_user(db, "u" + std::to_string(i), "n"), 1).has_value();
          },
          [&](std::optional<bool> ok) {
            if (ok.value_or(false)) ++succeeded;
          });
    }
    store.stop();
    EXPECT_EQ(succeeded, kWrites);
    store.stop();  // idempotent
  }
  Database db(dir_.path() / "musubi.db", OpenMode::read_only);
  EXPECT_EQ(count_users(db), kWrites);
}

// A read served during shutdown queues its audit entry as a deferred write (server/connection.cpp):
// stopping must still commit it.
TEST_F(StoreTest, StopCommitsTheWritesThatQueuedReadsSubmit) {
  constexpr int kReads = 10;
  std::atomic<int> written = 0;
  {
    Store store(options());
    // Every read waits at the gate, so that most of them are still queued when stop() begins.
    std::mutex mutex;
    std::condition_variable changed;
    bool open = false;
    for (int i = 0; i < kReads; ++i) {
      store.read(
          [&](Database&) {
            std::unique_lock lock(mutex);
            return changed.wait_for(lock, std::chrono::seconds(60), [&] { return open; });
          },
          [&, i](std::optional<bool>) {  // i by value: the loop is over when this runs
            store.write(
                [i](Database& db) {
                  append_audit(db, 1000 + i, std::nullopt, "history.read", std::nullopt, "");
                  return true;
                },
                [&](std::optional<bool> ok) {
                  if (ok.value_or(false)) ++written;
                },
                Durability::deferred);
          });
    }
    std::thread stopper([&] { store.stop(); });
    // The gate opens once the readers take no more work, i.e. once stop() has begun with them.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::atomic<bool> refused = false;
    while (!refused && std::chrono::steady_clock::now() < deadline) {
      store.read([](Database&) { return true; },
                 [&](std::optional<bool> result) {
                   if (!result) refused = true;
                 });
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(refused);
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    changed.notify_all();
    stopper.join();
  }
  EXPECT_EQ(written, kReads);
  Database db(dir_.path() / "musubi.db", OpenMode::read_only);
  auto& st = db.prepare("SELECT count(*) FROM audit WHERE action = 'history.read'");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), kReads);
  st.reset();
}

TEST_F(StoreTest, DataSurvivesReopening) {
  {
    Store store(options());
    write_and_wait(store, [](Database& db) {
      return insert_user(db, test_user(db, "tanaka", "田中", "city_admin"), 1).has_value();
    });
  }
  Store store(options());
  const auto admin = read_and_wait(
      store, [](Database& db) { return find_user_by_login(db, "tanaka").value_or(User{}).role; });
  EXPECT_EQ(admin, "city_admin");
}

}  // namespace
}  // namespace musubi::storage
