#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace musubi::server {

// Wall-clock milliseconds since the Unix epoch: what is stored and shown as event time.
inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The calendar date (YYYY-MM-DD) of `unix_ms` in the server's local time zone: the day a city
// office would write on a form.
inline std::string local_date(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace musubi::server
