#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace musubi::bench {

// What `musubi-bench seed` puts into a musubid data directory.
struct DatasetSpec {
  int users = 16;
  int room_size = 8;  // members per room; every user is in exactly one of these rooms
  // Rooms with a long history for the history scenario. Their members are the first room_size
  // users (who are then in two rooms).
  int history_rooms = 0;
  std::int64_t history_messages = 0;  // per history room
  std::size_t message_bytes = 200;    // text of each history message
};

struct BenchUser {
  std::string login;
  std::string token;  // a live session token: the bench resumes (only signin types a password)
};

struct BenchRoom {
  std::string id;
  std::vector<int> members;  // indexes into Dataset::users
  std::int64_t last_seq = 0;
  bool history = false;
};

// The users and rooms a benchmark run may use, with each user's session token. The file holds
// live credentials for the data directory beside it: it is written with mode 0600.
struct Dataset {
  std::vector<BenchUser> users;
  std::vector<BenchRoom> rooms;
  // Every user's password (one Argon2id hash, at musubid's default cost, shared by all): for the
  // signin scenario. Empty in datasets seeded before it existed.
  std::string password;

  std::vector<const BenchRoom*> live_rooms() const;     // the rooms of the fanout scenarios
  std::vector<const BenchRoom*> history_rooms() const;  // the long ones
};

inline std::filesystem::path dataset_file(const std::filesystem::path& data_dir) {
  return data_dir / "bench-dataset.json";
}

// Writes users, rooms and history straight into the database of `data_dir` (created when
// missing; run it before musubid starts on that directory), then the dataset file beside it.
// Direct inserts, not the protocol: ten thousand password sign-ins would cost minutes of
// Argon2id, and only the signin scenario measures that.
Dataset seed_dataset(const std::filesystem::path& data_dir, const DatasetSpec& spec,
                     std::ostream& progress);

void save_dataset(const Dataset& dataset, const std::filesystem::path& file);
Dataset load_dataset(const std::filesystem::path& file);  // throws std::runtime_error

}  // namespace musubi::bench
