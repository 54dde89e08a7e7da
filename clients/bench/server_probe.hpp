#pragma once

#include <optional>
#include <sys/types.h>

namespace musubi::bench {

// What /proc says about the server process, when the bench is told its pid (same machine).
struct ProcessSample {
  long rss_kib = 0;        // VmRSS
  long rss_peak_kib = 0;   // VmHWM
  double cpu_seconds = 0;  // user + system
};

std::optional<ProcessSample> sample_process(pid_t pid);

}  // namespace musubi::bench
