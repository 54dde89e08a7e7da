#include "server/request_latency.hpp"

#include <algorithm>

namespace musubi::server {

RequestLatency::Counters& RequestLatency::counters_of(std::string_view op) {
  std::lock_guard lock(mutex_);
  auto it = by_op_.find(op);
  if (it == by_op_.end()) it = by_op_.emplace(std::string(op), std::make_unique<Counters>()).first;
  return *it->second;
}

void RequestLatency::record(std::string_view op, std::chrono::steady_clock::duration elapsed) {
  const auto ns = std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  const double seconds = static_cast<double>(ns) / 1e9;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
  auto& c = counters_of(op);
  c.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  c.sum_ns.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

std::vector<RequestLatency::Histogram> RequestLatency::snapshot() const {
  std::vector<Histogram> out;
  std::lock_guard lock(mutex_);
  out.reserve(by_op_.size());
  for (const auto& [op, c] : by_op_) {
    Histogram h;
    h.op = op;
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
      h.buckets[i] = c->buckets[i].load(std::memory_order_relaxed);
      h.count += h.buckets[i];
    }
    h.sum_seconds = static_cast<double>(c->sum_ns.load(std::memory_order_relaxed)) / 1e9;
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace musubi::server
