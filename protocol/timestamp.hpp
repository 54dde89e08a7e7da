#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace musubi::protocol {

// Server timestamps travel as RFC 3339 UTC text with milliseconds, "2026-11-24T03:04:05.123Z",
// and are stored as milliseconds since the Unix epoch.
std::string format_timestamp(std::int64_t unix_ms);
// The same text appended to `out` (no string of its own: frames are written in one buffer).
void append_timestamp(std::string& out, std::int64_t unix_ms);
std::optional<std::int64_t> parse_timestamp(std::string_view text);

// A calendar date as the wire carries it, "2026-11-24" (birth dates, consent dates): exactly
// YYYY-MM-DD, and a day that exists.
bool is_calendar_date(std::string_view text);

}  // namespace musubi::protocol
