#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace musubi::bench {

// Latency samples (kept whole: a run has at most a few million) and their percentiles.
class LatencyRecorder {
 public:
  void add(std::int64_t nanoseconds) { samples_.push_back(nanoseconds); }
  std::size_t count() const { return samples_.size(); }
  // {"count", "p50", "p90", "p99", "p999", "max"} in milliseconds.
  nlohmann::json summary_ms();

 private:
  std::vector<std::int64_t> samples_;
};

}  // namespace musubi::bench
