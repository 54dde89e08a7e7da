#include "server/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "protocol/timestamp.hpp"

namespace musubi::server::log {

namespace {
std::atomic<Level> min_level{Level::info};
std::mutex write_mutex;

const char* name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "?";
}
}  // namespace

void set_min_level(Level level) {
  min_level = level;
}

bool enabled(Level level) {
  return level >= min_level.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view line) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::string ts = protocol::format_timestamp(now);
  std::lock_guard lock(write_mutex);
  std::fprintf(stderr, "%s %s %.*s\n", ts.c_str(), name(level), static_cast<int>(line.size()),
               line.data());
}

}  // namespace musubi::server::log
