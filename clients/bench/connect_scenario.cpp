// connect: many authenticated, subscribed, idle connections.
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "clients/bench/scenarios.hpp"

namespace musubi::bench {

using nlohmann::json;

json run_connect(BenchRun& run, const ConnectScenario& s) {
  const auto& dataset = run.dataset();
  std::unordered_map<int, const BenchRoom*> room_of;
  for (const auto* room : dataset.live_rooms()) {
    for (const auto m : room->members)
      room_of.emplace(m, room);
  }
  // Users in turn (a user may have several devices when there are more connections than users).
  std::vector<BenchRun::Member> members;
  for (int i = 0; i < s.connections; ++i) {
    const int user = i % static_cast<int>(dataset.users.size());
    BenchRun::Member m{user, {}};
    if (const auto it = room_of.find(user); it != room_of.end()) {
      m.rooms.push_back(Subscription{it->second->id, std::nullopt});
    }
    members.push_back(std::move(m));
  }
  run.on_frame([](BenchClient&, std::string_view) {});
  const auto before = run.sample_server();
  const auto start = Clock::now();
  run.connect(members);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  json out{{"scenario", "connect"},
           {"connections", s.connections},
           {"ready", run.ready_count()},
           {"failed", run.failed_count()},
           {"connect_seconds", seconds},
           {"connects_per_second", static_cast<double>(run.ready_count()) / seconds},
           {"setup_latency_ms", run.setup_latency().summary_ms()}};
  // Idle: nothing is sent; the server's pings keep the connections open.
  run.run_for(s.hold_seconds);
  const auto after = run.sample_server();
  out["dropped"] = run.dropped_count();
  out["first_failure"] = run.first_failure();  // after the hold: a dropped connection's reason too
  out["server"] = server_figures(before, after);
  if (before && after && run.ready_count() > 0) {
    out["server"]["rss_kib_before"] = before->rss_kib;
    out["server"]["bytes_per_connection"] =
        static_cast<double>(after->rss_kib - before->rss_kib) * 1024.0 / run.ready_count();
  }
  run.close_all();
  return out;
}

}  // namespace musubi::bench
