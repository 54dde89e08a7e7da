// resume: members go away, their rooms move on, they come back and catch up.
#include <nlohmann/json.hpp>

#include "clients/bench/room_clients.hpp"
#include "clients/bench/scenarios.hpp"

namespace musubi::bench {

using nlohmann::json;

namespace {
constexpr auto kPhaseLimit = std::chrono::seconds(120);
}

json run_resume(BenchRun& run, const ResumeScenario& s) {
  PostTraffic traffic(s.message_bytes);
  auto rooms = connect_rooms(run, traffic, first_rooms(run.dataset(), s.rooms), s.members);
  json out{{"scenario", "resume"},
           {"rooms", rooms.size()},
           {"members", s.members},
           {"events", s.events},
           {"ready", run.ready_count()},
           {"failed", run.failed_count()},
           {"first_failure", run.first_failure()}};

  // The last members of each room leave (at least one stays to post), remembering where they
  // were as a client does.
  std::vector<BenchRun::Member> returning;
  for (auto& r : rooms) {
    const int n = std::min<int>(s.leavers_per_room, static_cast<int>(r.members.size()) - 1);
    for (int k = 0; k < n; ++k) {
      auto* c = r.members.back();
      r.members.pop_back();
      const auto seen = traffic.ledger().position(c->id(), r.room->id);
      returning.push_back(BenchRun::Member{run.user_of(c->id()), {Subscription{r.room->id, seen}}});
      traffic.ledger().unfollow(c->id());
      c->close();
    }
  }
  out["leavers"] = returning.size();

  // The rooms move on: the remaining members send X posts per room at once.
  traffic.open_window();
  for (auto& r : rooms) {
    for (int k = 0; k < s.events; ++k)
      traffic.post(r.poster(), r.room->id);
  }
  traffic.close_window();
  out["moved_on"] = run.run_until([&] { return traffic.drained(); }, kPhaseLimit);

  // Back: each resumes its session and subscribes from the last seq it had; caught up when it
  // has the room's last seq.
  const auto first_returner = static_cast<int>(run.clients().size());
  std::vector<bool> caught_up(returning.size(), false);
  LatencyRecorder catch_up;
  run.on_frame([&](BenchClient& c, std::string_view frame) {
    traffic.on_frame(c, frame);
    const auto i = c.id() - first_returner;
    if (i < 0 || caught_up[i]) return;
    const auto& room = returning[i].rooms.front().room;
    if (traffic.ledger().position(c.id(), room) >= traffic.ledger().expected(room)) {
      caught_up[i] = true;
      catch_up.add(now_ns() - run.started_ns(c.id()));
    }
  });
  const auto start = Clock::now();
  run.connect(returning);
  out["returned"] = run.ready_count();
  out["caught_up"] = run.run_until([&] { return traffic.drained(); }, kPhaseLimit);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out["all_caught_up_seconds"] = seconds;
  // From starting to reconnect until the last missed event is in: TCP, TLS, upgrade, resume,
  // subscribe and the replay itself.
  out["catch_up_ms"] = catch_up.summary_ms();
  out["replayed_events_per_second"] =
      static_cast<double>(returning.size()) * s.events / std::max(seconds, 1e-9);
  out.update(traffic.summary());
  run.close_all();
  return out;
}

}  // namespace musubi::bench
