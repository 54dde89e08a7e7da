#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace musubi::storage {

class Database;

// One calendar month of a report, as a half-open interval of server time. The caller decides
// the time zone (the server's local time: the month a city office would write on a form).
struct StatisticsMonth {
  std::string month;          // "YYYY-MM"
  std::int64_t start_ms = 0;  // first millisecond of the month
  std::int64_t end_ms = 0;    // first millisecond of the next month
};

// What the council's report counts (DOMAIN.md), over consecutive months.
struct StatisticsQuery {
  std::vector<StatisticsMonth> months;  // consecutive and in order; at least one
  std::string municipality;             // organizations elsewhere count as out of the city
  // Organization types left out, with their users: the network's operator (the city office)
  // is not one of the care organizations the council counts.
  std::vector<std::string> uncounted_org_types;
};

// Counts by a stable code (organization type, profession, stand-in kind). Codes with no
// occurrence are absent.
using CountsByCode = std::map<std::string, std::int64_t>;

// What happened in one month.
struct MonthCounts {
  std::string month;
  // Organizations by the month of their registration date, by type.
  CountsByCode new_orgs_in_city;
  CountsByCode new_orgs_out_of_city;
  std::int64_t new_users = 0;  // new ID holders
  // Requests to open a room filed in the month, by the requester's profession; and those that
  // were their requester's first.
  CountsByCode requests;
  CountsByCode first_requests;
  std::int64_t rooms_opened_with_physician = 0;
  std::int64_t rooms_opened_without_physician = 0;
};

// How things stand at the end of the last month.
struct StandingCounts {
  std::int64_t rooms_with_physician = 0;
  // Rooms without a physician member, by who stands in (the room's stand_in_kind; "" for
  // nobody).
  CountsByCode rooms_without_physician;
  std::int64_t rooms_open = 0;
  std::int64_t rooms_closed = 0;
  std::int64_t active_orgs_in_city = 0;
  std::int64_t active_orgs_out_of_city = 0;
  // Users created by then who are enabled now (the database keeps no date of disabling) and
  // whose organization was not retired by then.
  std::int64_t active_users = 0;
  // Distinct people who filed a request during the months, by profession (実人数).
  CountsByCode requesters;
};

struct Statistics {
  std::vector<MonthCounts> months;  // one per query month, in order
  StandingCounts at_end;
};

// Counts only: no names, no patients. Runs a handful of queries in the caller's read snapshot.
Statistics collect_statistics(Database& db, const StatisticsQuery& query);

}  // namespace musubi::storage
