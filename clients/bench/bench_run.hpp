#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <nlohmann/json_fwd.hpp>

#include "clients/bench/bench_client.hpp"
#include "clients/bench/dataset.hpp"
#include "clients/bench/latency_recorder.hpp"
#include "clients/bench/server_probe.hpp"
#include "clients/bench/source_addresses.hpp"

namespace musubi::bench {

// What every scenario is told: the server, the dataset, how to connect.
struct RunOptions {
  std::filesystem::path data_dir;  // the seeded musubid data directory (dataset, certificate)
  std::string host = "127.0.0.1";
  unsigned short port = 8443;
  std::string sources;    // see SourceAddresses::parse
  pid_t server_pid = 0;   // > 0: sample its memory and CPU from /proc
  int concurrency = 256;  // connection setups in flight
};

using Clock = std::chrono::steady_clock;

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// One scenario's world: its single network thread's io_context, TLS, the dataset.
class BenchRun {
 public:
  explicit BenchRun(const RunOptions& options);  // throws std::runtime_error

  boost::asio::io_context& ioc() { return ioc_; }
  const Dataset& dataset() const { return dataset_; }
  const RunOptions& options() const { return options_; }

  // Runs handlers until `done()` or the deadline; false at the deadline.
  bool run_until(const std::function<bool()>& done, Clock::duration limit);
  // Runs handlers for `seconds`, or until `done()` if that comes first.
  void run_for(
      double seconds, const std::function<bool()>& done = [] { return false; });

  // The server's /proc figures, or nullopt without a pid.
  std::optional<ProcessSample> sample_server() const { return sample_process(options_.server_pid); }

  // A connection for `user` (an index into the dataset) following `rooms`.
  struct Member {
    int user = 0;
    std::vector<Subscription> rooms;
    bool signed_out = false;  // no session.resume: the scenario signs in itself (no rooms then)
  };

  // Called as each client becomes ready, before any of its live frames.
  void on_ready(std::function<void(BenchClient&)> handler) { on_ready_ = std::move(handler); }
  // Frames of every ready client go here.
  void on_frame(std::function<void(BenchClient&, std::string_view)> handler) {
    on_frame_ = std::move(handler);
  }
  // Connects every member (at most options.concurrency setups at a time) as new clients after
  // those already there: the first gets id clients().size(). Returns once all are ready or
  // failed; ready_count() and failed_count() are about this call.
  void connect(const std::vector<Member>& members,
               Clock::duration limit = std::chrono::minutes(10));
  void close_all();
  std::int64_t started_ns(int client) const { return started_ns_[client]; }
  int user_of(int client) const { return users_[client]; }

  std::vector<std::shared_ptr<BenchClient>>& clients() { return clients_; }
  int ready_count() const { return ready_; }
  int failed_count() const { return failed_; }
  // Failures after setup (a dropped connection) — each is a finding.
  int dropped_count() const { return dropped_; }
  const std::string& first_failure() const { return first_failure_; }
  LatencyRecorder& setup_latency() { return setup_latency_; }

 private:
  void launch_next();

  RunOptions options_;
  Dataset dataset_;
  boost::asio::io_context ioc_{1};
  boost::asio::ssl::context tls_;
  Target target_;
  SourceAddresses sources_;
  BenchClient::Handlers handlers_;
  std::function<void(BenchClient&)> on_ready_;
  std::function<void(BenchClient&, std::string_view)> on_frame_;
  std::vector<Member> pending_;
  std::size_t next_ = 0;  // into pending_
  std::vector<std::shared_ptr<BenchClient>> clients_;
  std::vector<std::int64_t> started_ns_;  // by client id
  std::vector<int> users_;                // by client id
  int in_flight_ = 0;
  int ready_ = 0;
  int failed_ = 0;
  int dropped_ = 0;
  std::string first_failure_;
  LatencyRecorder setup_latency_;
};

// The first `per_room` members of each room, each following that room from now on.
std::vector<BenchRun::Member> room_members(const std::vector<const BenchRoom*>& rooms,
                                           int per_room);

// The "server" part of a summary: memory now, and CPU used since `before`.
nlohmann::json server_figures(const std::optional<ProcessSample>& before,
                              const std::optional<ProcessSample>& after);

}  // namespace musubi::bench
