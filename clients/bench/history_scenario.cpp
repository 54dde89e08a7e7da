// history: pages of a long room's log, requested back to back.
#include <random>

#include <nlohmann/json.hpp>

#include "clients/bench/frame_scan.hpp"
#include "clients/bench/scenarios.hpp"

namespace musubi::bench {

using nlohmann::json;

json run_history(BenchRun& run, const HistoryScenario& s) {
  const auto rooms = run.dataset().history_rooms();
  json out{{"scenario", "history"}, {"clients", s.clients}, {"page", s.page}};
  if (rooms.empty()) {
    out["error"] = "the dataset has no history rooms (seed with --history-rooms)";
    return out;
  }
  // Client i reads room i % rooms as its member i / rooms (members need not follow the room).
  std::vector<BenchRun::Member> members;
  std::vector<const BenchRoom*> room_of;
  for (int i = 0; i < s.clients; ++i) {
    const auto* room = rooms[i % rooms.size()];
    members.push_back(
        BenchRun::Member{room->members[(i / rooms.size()) % room->members.size()], {}});
    room_of.push_back(room);
  }
  std::mt19937_64 random(42);
  LatencyRecorder latency;
  std::map<std::string, std::int64_t> errors;
  std::vector<std::int64_t> sent_ns(s.clients, 0);
  std::int64_t pages = 0;
  std::int64_t events = 0;
  bool running = true;
  auto request_page = [&](BenchClient& c) {
    const auto* room = room_of[c.id()];
    const auto last_start = std::max<std::int64_t>(1, room->last_seq - s.page + 1);
    const auto from = std::uniform_int_distribution<std::int64_t>(1, last_start)(random);
    sent_ns[c.id()] = now_ns();
    c.send(json{{"id", c.next_request_id()},
                {"op", "room.history"},
                {"body", {{"room", room->id}, {"from", from}, {"limit", s.page}}}}
               .dump());
  };
  run.on_frame([&](BenchClient& c, std::string_view frame) {
    const auto reply = scan_reply(frame);
    if (!reply) return;
    if (!running) return;
    if (reply->ok) {
      latency.add(now_ns() - sent_ns[c.id()]);
      ++pages;
      // Each event of the page carries one "seq" key.
      for (auto at = frame.find("\"seq\":"); at != std::string_view::npos;
           at = frame.find("\"seq\":", at + 1))
        ++events;
    } else {
      ++errors[std::string(reply->error_code)];
    }
    request_page(c);
  });
  run.connect(members);
  out["ready"] = run.ready_count();
  out["failed"] = run.failed_count();
  out["first_failure"] = run.first_failure();
  out["room_messages"] = rooms.front()->last_seq;
  const auto cpu_before = run.sample_server();
  const auto start = Clock::now();
  for (auto& c : run.clients()) {
    if (c->ready()) request_page(*c);
  }
  run.run_for(s.seconds);
  running = false;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out["pages"] = pages;
  out["events"] = events;
  out["pages_per_second"] = static_cast<double>(pages) / seconds;
  out["latency_ms"] = latency.summary_ms();
  out["errors"] = errors;
  out["server"] = server_figures(cpu_before, run.sample_server());
  run.close_all();
  return out;
}

}  // namespace musubi::bench
