// musubi-bench: the load generator. `seed` writes a dataset into a musubid data directory; the
// scenarios (connect, fanout, burst, history, resume, signin) speak musubi.v1 over real TLS to a
// running server and print a JSON summary as their last line. Exit status: 0 when the run was clean
// (no loss, no duplicate, every connection up), 1 when it was not, 2 for a bad command line.
#include <iostream>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "clients/bench/dataset.hpp"
#include "clients/bench/scenarios.hpp"
#include "clients/bench/server_probe.hpp"

namespace {

using namespace musubi::bench;
using nlohmann::json;

// Tens of thousands of sockets need more descriptors than the usual soft limit of 1024.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void add_run_options(CLI::App* cmd, RunOptions& o) {
  cmd->add_option("--data", o.data_dir, "the seeded musubid data directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--host", o.host, "the server's IP address")->capture_default_str();
  cmd->add_option("--port", o.port, "the server's port")->capture_default_str();
  cmd->add_option("--sources", o.sources,
                  "local addresses to connect from, e.g. 127.0.0.1-127.0.0.64 (default: the "
                  "system's choice)");
  cmd->add_option("--server-pid", o.server_pid,
                  "musubid's pid: report its memory and CPU from /proc");
  cmd->add_option("--concurrency", o.concurrency, "connection setups in flight")
      ->capture_default_str();
}

bool clean(const json& summary) {
  auto zero = [&](const char* key) { return summary.value(key, json(0)) == json(0); };
  return zero("lost") && zero("duplicated") && zero("failed") && zero("dropped") &&
         zero("dropped_connections") && summary.value("drained", true) &&
         summary.value("caught_up", true) && !summary.contains("error");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"musubi-bench: load generator for musubid (see docs/PERFORMANCE.md)"};
  app.require_subcommand(1);

  DatasetSpec spec;
  std::filesystem::path seed_dir;
  auto* seed = app.add_subcommand("seed",
                                  "write users, rooms and history into a data directory "
                                  "(before musubid first starts on it)");
  seed->add_option("--data", seed_dir, "the musubid data directory")->required();
  seed->add_option("--users", spec.users, "users (one connection each)")->capture_default_str();
  seed->add_option("--room-size", spec.room_size, "members per room")->capture_default_str();
  seed->add_option("--history-rooms", spec.history_rooms, "rooms with a long history")
      ->capture_default_str();
  seed->add_option("--history-messages", spec.history_messages, "messages in each of them")
      ->capture_default_str();
  seed->add_option("--message-bytes", spec.message_bytes, "text size of history messages")
      ->capture_default_str();

  RunOptions run_options;
  ConnectScenario connect;
  auto* connect_cmd = app.add_subcommand("connect", "hold N idle, subscribed connections");
  add_run_options(connect_cmd, run_options);
  connect_cmd->add_option("--connections", connect.connections)->capture_default_str();
  connect_cmd->add_option("--hold", connect.hold_seconds, "seconds to hold them")
      ->capture_default_str();

  FanoutScenario fanout;
  auto* fanout_cmd = app.add_subcommand("fanout", "posts at a steady rate into rooms of M");
  add_run_options(fanout_cmd, run_options);
  fanout_cmd->add_option("--rooms", fanout.rooms, "rooms (0: all)")->capture_default_str();
  fanout_cmd->add_option("--members", fanout.members, "members per room")->capture_default_str();
  fanout_cmd->add_option("--rate", fanout.posts_per_second, "posts per second")
      ->capture_default_str();
  fanout_cmd->add_option("--message-bytes", fanout.message_bytes)->capture_default_str();
  fanout_cmd->add_option("--warmup", fanout.warmup_seconds, "seconds before measuring")
      ->capture_default_str();
  fanout_cmd->add_option("--duration", fanout.seconds, "seconds measured")->capture_default_str();

  BurstScenario burst;
  auto* burst_cmd = app.add_subcommand("burst", "every member of a room posts at once");
  add_run_options(burst_cmd, run_options);
  burst_cmd->add_option("--rooms", burst.rooms)->capture_default_str();
  burst_cmd->add_option("--members", burst.members)->capture_default_str();
  burst_cmd->add_option("--posts", burst.posts_per_member, "posts per member")
      ->capture_default_str();
  burst_cmd->add_option("--message-bytes", burst.message_bytes)->capture_default_str();

  HistoryScenario history;
  auto* history_cmd = app.add_subcommand("history", "pages of history from long rooms");
  add_run_options(history_cmd, run_options);
  history_cmd->add_option("--clients", history.clients)->capture_default_str();
  history_cmd->add_option("--page", history.page, "events per page")->capture_default_str();
  history_cmd->add_option("--duration", history.seconds)->capture_default_str();

  ResumeScenario resume;
  auto* resume_cmd = app.add_subcommand("resume", "members leave, rooms move on, they catch up");
  add_run_options(resume_cmd, run_options);
  resume_cmd->add_option("--rooms", resume.rooms)->capture_default_str();
  resume_cmd->add_option("--members", resume.members)->capture_default_str();
  resume_cmd->add_option("--leavers", resume.leavers_per_room, "members leaving per room")
      ->capture_default_str();
  resume_cmd->add_option("--events", resume.events, "events each room moves on by")
      ->capture_default_str();
  resume_cmd->add_option("--message-bytes", resume.message_bytes)->capture_default_str();

  SigninScenario signin;
  auto* signin_cmd = app.add_subcommand("signin", "password sign-ins and sign-outs, back to back");
  add_run_options(signin_cmd, run_options);
  signin_cmd->add_option("--clients", signin.clients)->capture_default_str();
  signin_cmd->add_option("--duration", signin.seconds)->capture_default_str();
  signin_cmd->add_option("--signins", signin.count, "stop after this many (0: run the duration)")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    if (seed->parsed()) {
      seed_dataset(seed_dir, spec, std::cerr);
      return 0;
    }
    raise_descriptor_limit();
    BenchRun run(run_options);
    json summary;
    if (connect_cmd->parsed()) summary = run_connect(run, connect);
    if (fanout_cmd->parsed()) summary = run_fanout(run, fanout);
    if (burst_cmd->parsed()) summary = run_burst(run, burst);
    if (history_cmd->parsed()) summary = run_history(run, history);
    if (resume_cmd->parsed()) summary = run_resume(run, resume);
    if (signin_cmd->parsed()) summary = run_signin(run, signin);
    if (const auto self = sample_process(getpid())) {
      // The generator's own load: a saturated generator measures itself, not the server.
      summary["bench"] = json{{"cpu_seconds", self->cpu_seconds}, {"rss_kib", self->rss_kib}};
    }
    summary["ok"] = clean(summary);
    std::cout << summary.dump() << std::endl;
    return summary["ok"].get<bool>() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "musubi-bench: " << e.what() << "\n";
    return 1;
  }
}
