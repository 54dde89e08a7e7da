#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

#include "clients/bench/bench_client.hpp"
#include "clients/bench/delivery_ledger.hpp"
#include "clients/bench/latency_recorder.hpp"

namespace musubi::bench {

// Posts into rooms and checks what comes back: each post's ack, and its delivery to every
// follower of the room (post→delivery latency measured at the receiver, from the send time the
// post carries in its text), with lost and duplicated seqs counted by the ledger.
class PostTraffic {
 public:
  explicit PostTraffic(std::size_t message_bytes);

  // `client` is ready: its subscriptions start its cursors.
  void follow(const BenchClient& client);
  void post(BenchClient& from, std::string_view room);
  void on_frame(BenchClient& client, std::string_view frame);

  // Latencies and rates count posts sent between open_window() and close_window().
  void open_window();
  void close_window();

  std::int64_t in_flight() const { return static_cast<std::int64_t>(pending_.size()); }
  std::int64_t sent() const { return sent_; }
  bool drained() const { return pending_.empty() && ledger_.outstanding() == 0; }
  DeliveryLedger& ledger() { return ledger_; }

  // Counts, rates over the window, latency percentiles, lost and duplicated.
  nlohmann::json summary();

 private:
  struct Pending {
    std::int64_t sent_ns = 0;
    std::string_view room;  // points into the dataset
  };
  static std::int64_t key(int client, std::int64_t request) {
    return (static_cast<std::int64_t>(client) << 32) | request;
  }
  bool in_window(std::int64_t sent_ns) const {
    return window_open_ns_ != 0 && sent_ns >= window_open_ns_ &&
           (window_close_ns_ == 0 || sent_ns < window_close_ns_);
  }

  std::size_t message_bytes_;
  std::string run_tag_;  // makes this run's nonces its own
  std::unordered_map<std::int64_t, Pending> pending_;
  DeliveryLedger ledger_;
  LatencyRecorder ack_latency_;
  LatencyRecorder delivery_latency_;
  std::map<std::string, std::int64_t> errors_;
  std::int64_t sent_ = 0;
  std::int64_t acked_ = 0;
  std::int64_t acked_in_window_ = 0;
  std::int64_t deliveries_in_window_ = 0;
  std::int64_t window_open_ns_ = 0;
  std::int64_t window_close_ns_ = 0;
};

}  // namespace musubi::bench
