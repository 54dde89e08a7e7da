#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::server {

// How long the server took over each operation's requests, from the hand-off to storage to the
// reply queued on the connection, in fixed buckets (a Prometheus histogram): the storage queue, the
// work and the way back; not the client's, the network's or the socket's time.
class RequestLatency {
 public:
  // Upper bounds of the buckets, in seconds; one more bucket counts the rest (+Inf).
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                     0.05,   0.1,   0.25,  0.5,   1.0,  2.5};

  struct Histogram {
    std::string op;
    std::array<std::uint64_t, kBounds.size() + 1> buckets{};  // per bucket, not cumulative
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };

  void record(std::string_view op, std::chrono::steady_clock::duration elapsed);
  std::vector<Histogram> snapshot() const;  // by operation name

 private:
  struct Counters {
    std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets{};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  Counters& counters_of(std::string_view op);

  mutable std::mutex mutex_;  // guards the map; the counters themselves are atomic
  std::map<std::string, std::unique_ptr<Counters>, std::less<>> by_op_;
};

}  // namespace musubi::server
