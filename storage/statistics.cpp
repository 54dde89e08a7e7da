#include "storage/statistics.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

// The index of the query month holding `ms`, if any.
std::optional<std::size_t> month_of(const std::vector<StatisticsMonth>& months, std::int64_t ms) {
  const auto it =
      std::upper_bound(months.begin(), months.end(), ms,
                       [](std::int64_t t, const StatisticsMonth& m) { return t < m.start_ms; });
  if (it == months.begin()) return std::nullopt;
  const auto index = static_cast<std::size_t>(it - months.begin()) - 1;
  if (ms >= months[index].end_ms) return std::nullopt;
  return index;
}

// The index of the query month named by the "YYYY-MM" prefix of a date, if any.
std::optional<std::size_t> month_of(const std::vector<StatisticsMonth>& months,
                                    const std::string& date) {
  const auto label = date.substr(0, 7);
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (months[i].month == label) return i;
  }
  return std::nullopt;
}

// Whether an organization, by its dates, had joined and not yet left at the end of `last`.
bool member_at_end(const std::string& registered_on, const std::optional<std::string>& retired_on,
                   const std::string& last) {
  return registered_on.substr(0, 7) <= last && (!retired_on || retired_on->substr(0, 7) > last);
}

}  // namespace

Statistics collect_statistics(Database& db, const StatisticsQuery& query) {
  Statistics out;
  if (query.months.empty()) return out;
  for (const auto& m : query.months) {
    out.months.emplace_back();
    out.months.back().month = m.month;
  }
  const std::set<std::string> uncounted(query.uncounted_org_types.begin(),
                                        query.uncounted_org_types.end());
  const auto& last = query.months.back().month;
  const auto range_start = query.months.front().start_ms;
  const auto range_end = query.months.back().end_ms;
  auto& end = out.at_end;

  // Organizations: registrations in the months, and who is a member at the end.
  {
    auto& st =
        db.prepare("SELECT type, municipality = ?, registered_on, retired_on FROM organizations");
    st.bind(1, query.municipality);
    while (st.step()) {
      const auto type = st.text(0);
      if (uncounted.contains(type)) continue;
      const bool in_city = st.int64(1) != 0;
      const auto registered_on = st.text(2);
      const auto retired_on = st.is_null(3) ? std::nullopt : std::optional(st.text(3));
      if (const auto i = month_of(query.months, registered_on)) {
        ++(in_city ? out.months[*i].new_orgs_in_city : out.months[*i].new_orgs_out_of_city)[type];
      }
      if (member_at_end(registered_on, retired_on, last)) {
        ++(in_city ? end.active_orgs_in_city : end.active_orgs_out_of_city);
      }
    }
  }

  // Users (ID holders): new in each month, and active at the end.
  {
    auto& st = db.prepare(
        "SELECT u.created_ms, u.disabled, o.type, o.registered_on, o.retired_on "
        "FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.created_ms < ?");
    st.bind(1, range_end);
    while (st.step()) {
      if (uncounted.contains(st.text(2))) continue;
      const auto created = st.int64(0);
      if (const auto i = month_of(query.months, created)) ++out.months[*i].new_users;
      const auto retired_on = st.is_null(4) ? std::nullopt : std::optional(st.text(4));
      if (st.int64(1) == 0 && member_at_end(st.text(3), retired_on, last)) ++end.active_users;
    }
  }

  // Requests to open a room, by the requester's profession as recorded when filed.
  {
    auto& st = db.prepare(
        "SELECT created_ms, requester_profession, first_request, requester_id "
        "FROM room_requests WHERE created_ms >= ? AND created_ms < ?");
    st.bind(1, range_start).bind(2, range_end);
    std::set<std::pair<std::string, std::int64_t>> requesters;
    while (st.step()) {
      const auto i = month_of(query.months, st.int64(0));
      if (!i) continue;
      const auto profession = st.text(1);
      ++out.months[*i].requests[profession];
      if (st.int64(2) != 0) ++out.months[*i].first_requests[profession];
      requesters.emplace(profession, st.int64(3));
    }
    for (const auto& [profession, id] : requesters)
      ++end.requesters[profession];
  }

  // Rooms: opened in each month, and how every room opened by the end stands then.
  {
    auto& st = db.prepare(
        "SELECT created_ms, physician_participates, stand_in_kind, closed_ms FROM rooms "
        "WHERE created_ms < ?");
    st.bind(1, range_end);
    while (st.step()) {
      const bool physician = st.int64(1) != 0;
      if (const auto i = month_of(query.months, st.int64(0))) {
        ++(physician ? out.months[*i].rooms_opened_with_physician
                     : out.months[*i].rooms_opened_without_physician);
      }
      if (physician) {
        ++end.rooms_with_physician;
      } else {
        ++end.rooms_without_physician[st.text(2)];
      }
      const bool closed = !st.is_null(3) && st.int64(3) < range_end;
      ++(closed ? end.rooms_closed : end.rooms_open);
    }
  }
  return out;
}

}  // namespace musubi::storage
