#pragma once

#include <chrono>
#include <cstdint>

namespace musubi::server {

// Wall-clock milliseconds since the Unix epoch: what is stored and shown as event time.
inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace musubi::server
