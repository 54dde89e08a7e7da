#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace musubi::domain {

// How long a closed room's records are kept. A room holds medical and care records together:
// 診療録 are kept 5 years after the end of care (医師法 第24条), care records 2 to 5 years by
// municipal ordinance, so the longest of them is the least a city may configure. 0 keeps closed
// rooms forever.
inline constexpr int kDefaultRetentionYears = 5;
inline constexpr int kMinRetentionYears = 5;
inline constexpr int kMaxRetentionYears = 100;

// Why `years` is not an acceptable retention period; nullopt when it is (0, or 5 to 100).
std::optional<std::string> retention_years_problem(int years);

// The first day on which a room closed on `closed_on` (the server's local calendar) may be
// purged, `years` > 0 whole years later. The period is counted as the Civil Code counts one
// (民法 第140条, 第143条): the closing day itself is not counted, and the period ends at the end
// of the day before the same calendar date `years` later, or at the end of the month when that
// date does not exist (a 29 February in a common year). So a room closed on 2020-03-15 is kept
// through 2025-03-15 and may be purged from 2025-03-16.
std::chrono::year_month_day purge_allowed_from(std::chrono::year_month_day closed_on, int years);

// Whether a room is due for purging on `today`: it is closed (`closed_on` set), retention is
// not "forever" (`years` > 0), and its whole period has passed.
bool purge_due(std::optional<std::chrono::year_month_day> closed_on,
               std::chrono::year_month_day today, int years);

// "YYYY-MM-DD".
std::string format_date(std::chrono::year_month_day day);

}  // namespace musubi::domain
