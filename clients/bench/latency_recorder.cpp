#include "clients/bench/latency_recorder.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace musubi::bench {

nlohmann::json LatencyRecorder::summary_ms() {
  nlohmann::json out{{"count", samples_.size()}};
  if (samples_.empty()) return out;
  std::sort(samples_.begin(), samples_.end());
  auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_.size())));
    const auto ns = samples_[std::min(samples_.size() - 1, i == 0 ? 0 : i - 1)];
    return std::round(static_cast<double>(ns) / 1e3) / 1e3;  // ms, to the microsecond
  };
  out["p50"] = at(0.50);
  out["p90"] = at(0.90);
  out["p99"] = at(0.99);
  out["p999"] = at(0.999);
  out["max"] = at(1.0);
  return out;
}

}  // namespace musubi::bench
