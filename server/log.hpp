#pragma once

#include <sstream>
#include <string_view>

namespace musubi::server::log {

enum class Level { debug, info, warn, error };

// Lines go to stderr ("2026-11-24T03:04:05.123Z info listener: ..."), for journald. Never log
// message text, passwords, tokens or patient data: log ids and counts.
void write(Level level, std::string_view line);
void set_min_level(Level level);
bool enabled(Level level);

// Collects one line with operator<< and writes it when destroyed.
class Line {
 public:
  explicit Line(Level level) : level_(level) {}
  ~Line() { write(level_, stream_.str()); }
  template <class T>
  Line& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  Level level_;
  std::ostringstream stream_;
};

}  // namespace musubi::server::log

#define MUSUBI_LOG(level)                                                     \
  if (!::musubi::server::log::enabled(::musubi::server::log::Level::level)) { \
  } else                                                                      \
    ::musubi::server::log::Line(::musubi::server::log::Level::level)
