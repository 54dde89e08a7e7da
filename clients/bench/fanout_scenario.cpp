// fanout and burst: posts into rooms, delivered to every member.
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "clients/bench/post_traffic.hpp"
#include "clients/bench/room_clients.hpp"
#include "clients/bench/scenarios.hpp"

namespace musubi::bench {

using nlohmann::json;

namespace {

constexpr auto kDrainLimit = std::chrono::seconds(30);
// The share of its core above which the generator, not the server, is taken to set the pace.
constexpr double kSaturatedShare = 0.9;

json connection_figures(BenchRun& run) {
  return json{{"connections", run.clients().size()},
              {"ready", run.ready_count()},
              {"failed", run.failed_count()},
              {"first_failure", run.first_failure()}};
}

}  // namespace

json run_fanout(BenchRun& run, const FanoutScenario& s) {
  PostTraffic traffic(s.message_bytes);
  auto rooms = connect_rooms(run, traffic, first_rooms(run.dataset(), s.rooms), s.members);
  json out{{"scenario", "fanout"},
           {"rooms", rooms.size()},
           {"members", s.members},
           {"target_posts_per_second", s.posts_per_second},
           {"message_bytes", s.message_bytes}};
  out.update(connection_figures(run));
  if (rooms.empty()) return out;

  // Open loop: posts go out at the target rate whatever the server's pace, so that a slow
  // server shows as latency, not as a lower offered load (up to max_in_flight).
  const auto start = Clock::now();
  const auto window_open = start + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(s.warmup_seconds));
  const auto window_close = window_open + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(s.seconds));
  std::optional<ProcessSample> cpu_before;
  std::optional<ProcessSample> bench_before;
  bool open = false;
  bool posting = true;
  std::size_t next_room = 0;
  boost::asio::steady_timer tick(run.ioc());
  // The server's memory through the run, to see it flat after warm-up (the soak).
  nlohmann::json rss_series = nlohmann::json::array();
  auto next_sample = start;
  std::function<void()> pace = [&] {
    const auto now = Clock::now();
    if (now >= next_sample) {
      if (const auto sample = run.sample_server()) rss_series.push_back(sample->rss_kib);
      next_sample += std::chrono::seconds(10);
    }
    if (!open && now >= window_open) {
      open = true;
      cpu_before = run.sample_server();
      bench_before = sample_process(getpid());
      traffic.open_window();
    }
    if (now >= window_close) {
      traffic.close_window();
      posting = false;
      return;
    }
    const auto due = static_cast<std::int64_t>(s.posts_per_second *
                                               std::chrono::duration<double>(now - start).count());
    while (traffic.sent() < due && traffic.in_flight() < s.max_in_flight) {
      auto& room = rooms[next_room];
      next_room = (next_room + 1) % rooms.size();
      traffic.post(room.poster(), room.room->id);
    }
    tick.expires_after(std::chrono::milliseconds(1));
    tick.async_wait([&](boost::system::error_code ec) {
      if (!ec) pace();
    });
  };
  pace();
  run.run_until([&] { return !posting; }, window_close - start + std::chrono::seconds(5));
  const auto cpu_after = run.sample_server();
  const auto bench_after = sample_process(getpid());
  const bool drained = run.run_until([&] { return traffic.drained(); }, kDrainLimit);
  auto summary = traffic.summary();
  out.update(summary);
  out["drained"] = drained;
  out["dropped_connections"] = run.dropped_count();
  out["server"] = server_figures(cpu_before, cpu_after);
  if (!rss_series.empty()) out["server"]["rss_kib_every_10s"] = std::move(rss_series);
  const double window_seconds = summary["window_seconds"].get<double>();
  // The generator's own CPU over the window: near 1.0 per second, it is the limit, not the server,
  // and the latencies it reports are partly its own lateness in reading deliveries.
  if (bench_before && bench_after) {
    const double cpu = bench_after->cpu_seconds - bench_before->cpu_seconds;
    out["bench_cpu_seconds_in_window"] = cpu;
    out["bench_saturated"] = window_seconds > 0 && cpu / window_seconds > kSaturatedShare;
  }
  if (cpu_before && cpu_after && summary["deliveries_per_second"].get<double>() > 0) {
    const double deliveries = summary["deliveries_per_second"].get<double>() * window_seconds;
    out["server"]["cpu_seconds_per_1000_deliveries"] =
        (cpu_after->cpu_seconds - cpu_before->cpu_seconds) * 1000.0 / deliveries;
  }
  run.close_all();
  return out;
}

json run_burst(BenchRun& run, const BurstScenario& s) {
  PostTraffic traffic(s.message_bytes);
  auto rooms = connect_rooms(run, traffic, first_rooms(run.dataset(), s.rooms), s.members);
  json out{{"scenario", "burst"},
           {"rooms", rooms.size()},
           {"members", s.members},
           {"posts_per_member", s.posts_per_member},
           {"message_bytes", s.message_bytes}};
  out.update(connection_figures(run));
  if (rooms.empty()) return out;
  const auto cpu_before = run.sample_server();
  traffic.open_window();
  const auto start = Clock::now();
  // Every member at once: one post from each in turn, K rounds, all sent before any ack.
  for (int k = 0; k < s.posts_per_member; ++k) {
    for (auto& room : rooms) {
      for (auto* c : room.members)
        traffic.post(*c, room.room->id);
    }
  }
  traffic.close_window();
  const bool drained = run.run_until([&] { return traffic.drained(); }, kDrainLimit);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto cpu_after = run.sample_server();
  auto summary = traffic.summary();
  // The window was the sending; the rates that matter are over the time to drain.
  summary["window_seconds"] = seconds;
  summary["acked_posts_per_second"] =
      static_cast<double>(summary["posts_acked"].get<std::int64_t>()) / seconds;
  summary["deliveries_per_second"] =
      static_cast<double>(summary["deliveries"].get<std::int64_t>()) / seconds;
  out.update(summary);
  out["drained"] = drained;
  out["dropped_connections"] = run.dropped_count();
  out["server"] = server_figures(cpu_before, cpu_after);
  run.close_all();
  return out;
}

}  // namespace musubi::bench
