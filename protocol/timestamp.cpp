#include "protocol/timestamp.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace musubi::protocol {

void append_timestamp(std::string& out, std::int64_t unix_ms) {
  std::int64_t seconds = unix_ms / 1000;
  std::int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, static_cast<int>(millis));
  if (n > 0) out.append(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1));
}

std::string format_timestamp(std::int64_t unix_ms) {
  std::string out;
  append_timestamp(out, unix_ms);
  return out;
}

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  // Exactly the form format_timestamp writes: "YYYY-MM-DDTHH:MM:SS.mmmZ".
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != shape.size()) return std::nullopt;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t digits) {
    int n = 0;
    for (std::size_t i = 0; i < digits; ++i)
      n = n * 10 + (text[at + i] - '0');
    return n;
  };
  std::tm tm{};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(5, 2) - 1;
  tm.tm_mday = number(8, 2);
  tm.tm_hour = number(11, 2);
  tm.tm_min = number(14, 2);
  tm.tm_sec = number(17, 2);
  const int millis = number(20, 3);
  const std::tm fields = tm;
  // timegm() normalises impossible fields (month 13, hour 25) in place: refuse instead.
  const std::time_t t = timegm(&tm);
  if (tm.tm_year != fields.tm_year || tm.tm_mon != fields.tm_mon || tm.tm_mday != fields.tm_mday ||
      tm.tm_hour != fields.tm_hour || tm.tm_min != fields.tm_min || tm.tm_sec != fields.tm_sec) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(t) * 1000 + millis;
}

bool is_calendar_date(std::string_view text) {
  // Reuse the strict timestamp parser on the date at midnight.
  return text.size() == 10 && parse_timestamp(std::string(text) + "T00:00:00.000Z").has_value();
}

}  // namespace musubi::protocol
