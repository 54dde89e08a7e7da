#include "server/metrics.hpp"

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

}  // namespace

std::string render_metrics(const MetricsSnapshot& s) {
  std::string out;
  out += "# HELP musubi_build_info The running musubid version.\n# TYPE musubi_build_info gauge\n";
  out += std::string("musubi_build_info{version=\"") + kVersion + "\"} 1\n";
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
  return out;
}

}  // namespace musubi::server
