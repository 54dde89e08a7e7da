#pragma once

#include <cstddef>
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "clients/bench/bench_run.hpp"

namespace musubi::bench {

// Each scenario returns its JSON summary (the last line the tool prints).

// Open N authenticated, subscribed connections and hold them.
struct ConnectScenario {
  int connections = 100;
  double hold_seconds = 2;  // memory is sampled at the end of the hold
};
nlohmann::json run_connect(BenchRun& run, const ConnectScenario& s);

// R rooms of M members; P posts a second spread over the rooms, from their members in turn.
struct FanoutScenario {
  int rooms = 0;  // 0: every room of the dataset
  int members = 8;
  double posts_per_second = 100;
  std::size_t message_bytes = 200;
  double warmup_seconds = 2;
  double seconds = 10;
  std::int64_t max_in_flight = 50000;  // posts awaiting their ack; beyond it the bench waits
};
nlohmann::json run_fanout(BenchRun& run, const FanoutScenario& s);

// Every member of R rooms posts K messages at once.
struct BurstScenario {
  int rooms = 1;
  int members = 8;
  int posts_per_member = 40;
  std::size_t message_bytes = 200;
};
nlohmann::json run_burst(BenchRun& run, const BurstScenario& s);

// Pages of history from the long rooms, back to back from C connections.
struct HistoryScenario {
  int clients = 4;
  int page = 50;
  double seconds = 10;
};
nlohmann::json run_history(BenchRun& run, const HistoryScenario& s);

// K members leave R rooms, each room moves on by X events, they come back and catch up.
struct ResumeScenario {
  int rooms = 10;
  int members = 8;
  int leavers_per_room = 1;
  int events = 100;
  std::size_t message_bytes = 200;
};
nlohmann::json run_resume(BenchRun& run, const ResumeScenario& s);

// Password sign-ins (Argon2id on the server), each followed by its sign-out, back to back from C
// connections.
struct SigninScenario {
  int clients = 4;
  double seconds = 10;     // the run's length, or its limit with `count`
  std::int64_t count = 0;  // > 0: stop after this many sign-ins
};
nlohmann::json run_signin(BenchRun& run, const SigninScenario& s);

}  // namespace musubi::bench
