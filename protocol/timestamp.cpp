#include "protocol/timestamp.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace musubi::protocol {

namespace {

// Years 0000 to 9999: the ones the four-digit form can say, and those parse_timestamp reads back.
constexpr std::int64_t kFirstMs = -62'167'219'200'000;  // 0000-01-01T00:00:00.000Z
constexpr std::int64_t kLastMs = 253'402'300'799'999;   // 9999-12-31T23:59:59.999Z

void put_digits(char* at, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

void append_outside_four_digit_years(std::string& out, std::int64_t unix_ms) {
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

}  // namespace

void append_timestamp(std::string& out, std::int64_t unix_ms) {
  if (unix_ms < kFirstMs || unix_ms > kLastMs) {
    append_outside_four_digit_years(out, unix_ms);
    return;
  }
  // Every event of a history page has one: the calendar arithmetic of <chrono>, and digits put
  // in place, cost a fraction of gmtime_r and snprintf.
  using namespace std::chrono;
  const sys_time<milliseconds> at{milliseconds{unix_ms}};
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  char text[] = "0000-00-00T00:00:00.000Z";
  put_digits(text, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  put_digits(text + 5, static_cast<unsigned>(date.month()), 2);
  put_digits(text + 8, static_cast<unsigned>(date.day()), 2);
  put_digits(text + 11, static_cast<unsigned>(time.hours().count()), 2);
  put_digits(text + 14, static_cast<unsigned>(time.minutes().count()), 2);
  put_digits(text + 17, static_cast<unsigned>(time.seconds().count()), 2);
  put_digits(text + 20, static_cast<unsigned>(time.subseconds().count()), 3);
  out.append(text, sizeof text - 1);
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
