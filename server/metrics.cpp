#include "server/metrics.hpp"

#include <sstream>
#include <string_view>

#include "musubi_version.hpp"

namespace musubi::server {

namespace {

void metric(std::string& out, const char* name, const char* type, const char* help,
            std::uint64_t value) {
  out += "# HELP ";
  out += name;
  out += " ";
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " ";
  out += type;
  out += "\n";
  out += name;
  out += " ";
  out += std::to_string(value);
  out += "\n";
}

std::string number(double value) {
  std::ostringstream out;
  out.precision(9);
  out << value;
  return out.str();
}

void latency_histograms(std::string& out, const std::vector<RequestLatency::Histogram>& all) {
  constexpr std::string_view name = "musubi_request_duration_seconds";
  out += "# HELP ";
  out += name;
  out +=
      " Requests answered through storage, per operation: from hand-off to storage to the reply "
      "queued on the connection.\n# TYPE ";
  out += name;
  out += " histogram\n";
  // One sample line: name, suffix, {op="...", and le="..." when given}, value.
  auto sample = [&](std::string_view suffix, const std::string& op, std::string_view le,
                    const std::string& value) {
    out += name;
    out += suffix;
    out += "{op=\"";
    out += op;
    out += '"';
    if (!le.empty()) {
      out += ",le=\"";
      out += le;
      out += '"';
    }
    out += "} ";
    out += value;
    out += '\n';
  };
  for (const auto& h : all) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
      cumulative += h.buckets[i];
      const auto le = i < RequestLatency::kBounds.size() ? number(RequestLatency::kBounds[i])
                                                         : std::string("+Inf");
      sample("_bucket", h.op, le, std::to_string(cumulative));
    }
    sample("_sum", h.op, {}, number(h.sum_seconds));
    sample("_count", h.op, {}, std::to_string(h.count));
  }
}

}  // namespace

std::string render_metrics(const MetricsSnapshot& s) {
  std::string out;
  out += "# HELP musubi_build_info The running musubid version.\n# TYPE musubi_build_info gauge\n";
  out += "musubi_build_info{version=\"";
  out += kVersion;
  out += "\"} 1\n";
  metric(out, "musubi_open_connections", "gauge", "Open TLS connections (HTTP or WebSocket).",
         s.open_connections);
  metric(out, "musubi_signed_in_connections", "gauge", "WebSocket connections with a session.",
         s.signed_in_connections);
  metric(out, "musubi_refused_connections_total", "counter",
         "Connections closed at accept because their address held too many.",
         s.refused_connections);
  metric(out, "musubi_storage_commits_total", "counter",
         "Group-commit transactions of the writer thread.", s.storage_commits);
  metric(out, "musubi_storage_write_jobs_total", "counter", "Write jobs run by the writer thread.",
         s.storage_write_jobs);
  metric(out, "musubi_storage_failed_write_jobs_total", "counter",
         "Write jobs rolled back (their commit failed or they threw).",
         s.storage_failed_write_jobs);
  latency_histograms(out, s.request_latency);
  return out;
}

}  // namespace musubi::server
