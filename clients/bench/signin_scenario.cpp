// signin: password sign-ins, each verified with Argon2id by the server, back to back.
#include <map>

#include <nlohmann/json.hpp>

#include "clients/bench/frame_scan.hpp"
#include "clients/bench/scenarios.hpp"

namespace musubi::bench {

using nlohmann::json;

json run_signin(BenchRun& run, const SigninScenario& s) {
  const auto& dataset = run.dataset();
  json out{{"scenario", "signin"}, {"clients", s.clients}};
  if (dataset.password.empty()) {
    out["error"] = "the dataset has no password: seed a new data directory";
    return out;
  }
  // Users from the end of the list, signed out: each connection signs in, then out, then in.
  std::vector<BenchRun::Member> members;
  members.reserve(static_cast<std::size_t>(s.clients));
  const auto users = static_cast<int>(dataset.users.size());
  for (int i = 0; i < s.clients; ++i)
    members.push_back(BenchRun::Member{users - 1 - i % users, {}, true});
  LatencyRecorder latency;
  std::map<std::string, std::int64_t> errors;
  std::vector<std::int64_t> sent_ns(s.clients, 0);
  std::vector<bool> signed_in(s.clients, false);
  std::int64_t signins = 0;
  bool running = true;
  auto sign_in = [&](BenchClient& c) {
    sent_ns[c.id()] = now_ns();
    c.send(json{{"id", c.next_request_id()},
                {"op", "session.sign_in"},
                {"body",
                 {{"login", dataset.users[run.user_of(c.id())].login},
                  {"password", dataset.password},
                  {"device", "musubi-bench"},
                  {"remember", false}}}}
               .dump());
  };
  auto sign_out = [&](BenchClient& c) {
    c.send(json{{"id", c.next_request_id()}, {"op", "session.sign_out"}, {"body", json::object()}}
               .dump());
  };
  run.on_frame([&](BenchClient& c, std::string_view frame) {
    const auto reply = scan_reply(frame);
    if (!reply || !running) return;
    if (!reply->ok) {
      ++errors[std::string(reply->error_code)];
      return;  // this connection stops; the summary reports it
    }
    if (signed_in[c.id()]) {
      signed_in[c.id()] = false;
      return sign_in(c);
    }
    latency.add(now_ns() - sent_ns[c.id()]);
    ++signins;
    if (signins == s.count) running = false;
    signed_in[c.id()] = true;
    sign_out(c);
  });
  run.connect(members);
  out["ready"] = run.ready_count();
  out["failed"] = run.failed_count();
  out["first_failure"] = run.first_failure();
  const auto cpu_before = run.sample_server();
  const auto start = Clock::now();
  for (auto& c : run.clients()) {
    if (c->ready()) sign_in(*c);
  }
  run.run_for(s.seconds, [&] { return !running; });
  running = false;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out["signins"] = signins;
  out["signins_per_second"] = static_cast<double>(signins) / seconds;
  out["latency_ms"] = latency.summary_ms();
  out["errors"] = errors;
  if (!errors.empty()) out["error"] = "sign-ins were refused";
  out["server"] = server_figures(cpu_before, run.sample_server());
  run.close_all();
  return out;
}

}  // namespace musubi::bench
