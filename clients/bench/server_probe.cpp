#include "clients/bench/server_probe.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace musubi::bench {

std::optional<ProcessSample> sample_process(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream status(dir + "/status");
  std::ifstream stat(dir + "/stat");
  if (!status || !stat) return std::nullopt;
  ProcessSample s;
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream in(line);
    std::string key;
    long value = 0;
    in >> key >> value;
    if (key == "VmRSS:") s.rss_kib = value;
    if (key == "VmHWM:") s.rss_peak_kib = value;
  }
  // Fields 14 and 15 (utime, stime) follow the command name, which is in parentheses and may
  // contain spaces: count from the closing parenthesis.
  std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream rest(all.substr(all.rfind(')') + 2));
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return s;
}

}  // namespace musubi::bench
