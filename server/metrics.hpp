#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/request_latency.hpp"

namespace musubi::server {

// The numbers /metrics reports: counts only, never names, rooms or text.
struct MetricsSnapshot {
  std::uint64_t open_connections = 0;       // TLS connections, HTTP or WebSocket
  std::uint64_t signed_in_connections = 0;  // WebSockets with a session
  std::uint64_t refused_connections = 0;    // closed at accept: their address was over its cap
  std::uint64_t storage_commits = 0;
  std::uint64_t storage_write_jobs = 0;
  std::uint64_t storage_failed_write_jobs = 0;
  std::vector<RequestLatency::Histogram> request_latency;  // by operation
};

// Prometheus text exposition format (version 0.0.4).
std::string render_metrics(const MetricsSnapshot& snapshot);

}  // namespace musubi::server
