#pragma once

#include <cstddef>
#include <vector>

#include "clients/bench/bench_run.hpp"
#include "clients/bench/post_traffic.hpp"

namespace musubi::bench {

// The ready clients of one room.
struct RoomClients {
  const BenchRoom* room = nullptr;
  std::vector<BenchClient*> members;
  std::size_t next = 0;

  // Its members in turn.
  BenchClient& poster() {
    auto* c = members[next];
    next = (next + 1) % members.size();
    return *c;
  }
};

// The first `n` live rooms of the dataset (all when n is 0).
std::vector<const BenchRoom*> first_rooms(const Dataset& dataset, int n);

// Connects the first `per_room` members of each room, each following its room with `traffic`
// (which sees every frame); returns the rooms that have at least one ready member.
std::vector<RoomClients> connect_rooms(BenchRun& run, PostTraffic& traffic,
                                       const std::vector<const BenchRoom*>& rooms, int per_room);

}  // namespace musubi::bench
