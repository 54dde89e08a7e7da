// stats.summary: what the council counts per month (DOMAIN.md "Organizations", "Opening a room";
// the city's report in shared/seed/). Counts only: never a name, never a patient.
#include <ctime>

#include "protocol/announcement_operations.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/domain/vocabulary.hpp"
#include "storage/statistics.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

// The first millisecond of a month in the server's local time (the month a city office would
// write on its forms; the same zone as local_date).
std::int64_t local_month_start_ms(const protocol::YearMonth& m) {
  std::tm tm{};
  tm.tm_year = m.year - 1900;
  tm.tm_mon = m.month - 1;
  tm.tm_mday = 1;
  tm.tm_isdst = -1;  // let the library decide whether summer time applies
  return static_cast<std::int64_t>(std::mktime(&tm)) * 1000;
}

storage::StatisticsQuery query_for(const protocol::StatisticsRange& range,
                                   const std::string& municipality) {
  storage::StatisticsQuery q;
  q.municipality = municipality;
  q.uncounted_org_types = {std::string(domain::to_string(domain::OrgType::municipal_office))};
  for (auto m = range.from;; m = protocol::next_month(m)) {
    q.months.push_back({protocol::format_year_month(m), local_month_start_ms(m),
                        local_month_start_ms(protocol::next_month(m))});
    if (m == range.to) break;
  }
  return q;
}

// The report's columns for who filed a request (医師・看護師・ケアマネ・MSW・その他).
constexpr std::string_view kRequesterGroups[] = {"physician", "nurse", "care_manager", "msw",
                                                 "other"};

std::string_view requester_group(std::string_view profession) {
  for (const auto group : kRequesterGroups) {
    if (group != "other" && group == profession) return group;
  }
  return "other";
}

void add(storage::CountsByCode& into, const storage::CountsByCode& from) {
  for (const auto& [code, n] : from)
    into[code] += n;
}

std::int64_t total(const storage::CountsByCode& counts) {
  std::int64_t n = 0;
  for (const auto& [code, count] : counts)
    n += count;
  return n;
}

// {total, by_type: every organization type the council counts, zeros included}.
json organizations_json(const storage::CountsByCode& by_type) {
  json types = json::object();
  for (const auto& term : domain::org_type_terms()) {
    if (term.code == domain::to_string(domain::OrgType::municipal_office)) continue;
    const auto it = by_type.find(std::string(term.code));
    types[std::string(term.code)] = it == by_type.end() ? 0 : it->second;
  }
  return json{{"total", total(by_type)}, {"by_type", std::move(types)}};
}

json new_organizations_json(const storage::CountsByCode& in_city,
                            const storage::CountsByCode& out_of_city) {
  return json{{"total", total(in_city) + total(out_of_city)},
              {"in_city", organizations_json(in_city)},
              {"out_of_city", organizations_json(out_of_city)}};
}

// {total, by_profession: the report's five columns, other_by_profession: what "other" is}.
json requesters_json(const storage::CountsByCode& by_profession) {
  json groups = json::object();
  for (const auto group : kRequesterGroups)
    groups[std::string(group)] = 0;
  json other = json::object();
  for (const auto& [profession, n] : by_profession) {
    const auto group = requester_group(profession);
    groups[std::string(group)] = groups[std::string(group)].get<std::int64_t>() + n;
    if (group == "other") other[profession] = n;
  }
  return json{{"total", total(by_profession)},
              {"by_profession", std::move(groups)},
              {"other_by_profession", std::move(other)}};
}

json rooms_opened_json(std::int64_t with_physician, std::int64_t without_physician) {
  return json{{"total", with_physician + without_physician},
              {"with_physician", with_physician},
              {"without_physician", without_physician}};
}

json summary_json(const protocol::StatisticsRange& range, const storage::StatisticsQuery& query,
                  const storage::Statistics& s) {
  json months = json::array();
  storage::MonthCounts sum;
  for (const auto& m : s.months) {
    months.push_back(json{
        {"month", m.month},
        {"new_organizations", new_organizations_json(m.new_orgs_in_city, m.new_orgs_out_of_city)},
        {"new_users", m.new_users},
        {"requests", requesters_json(m.requests)},
        {"first_time_requests", requesters_json(m.first_requests)},
        {"rooms_opened",
         rooms_opened_json(m.rooms_opened_with_physician, m.rooms_opened_without_physician)}});
    add(sum.new_orgs_in_city, m.new_orgs_in_city);
    add(sum.new_orgs_out_of_city, m.new_orgs_out_of_city);
    sum.new_users += m.new_users;
    add(sum.requests, m.requests);
    add(sum.first_requests, m.first_requests);
    sum.rooms_opened_with_physician += m.rooms_opened_with_physician;
    sum.rooms_opened_without_physician += m.rooms_opened_without_physician;
  }
  const auto& end = s.at_end;
  json by_stand_in = json::object();
  for (const auto kind : {"hospital_liaison", "clinic_staff", "none"})
    by_stand_in[kind] = 0;
  for (const auto& [kind, n] : end.rooms_without_physician) {
    const std::string key = kind.empty() ? "none" : kind;
    by_stand_in[key] = by_stand_in.value(key, std::int64_t{0}) + n;
  }
  const auto range_end_ms = query.months.back().end_ms;
  return json{{"from", protocol::format_year_month(range.from)},
              {"to", protocol::format_year_month(range.to)},
              {"months", std::move(months)},
              {"totals",
               {{"new_organizations",
                 new_organizations_json(sum.new_orgs_in_city, sum.new_orgs_out_of_city)},
                {"new_users", sum.new_users},
                {"requests", requesters_json(sum.requests)},
                {"first_time_requests", requesters_json(sum.first_requests)},
                {"rooms_opened", rooms_opened_json(sum.rooms_opened_with_physician,
                                                   sum.rooms_opened_without_physician)}}},
              {"at_end",
               {{"as_of", local_date(range_end_ms - 1)},
                {"rooms",
                 {{"total", end.rooms_open + end.rooms_closed},
                  {"with_physician", end.rooms_with_physician},
                  {"without_physician",
                   {{"total", total(end.rooms_without_physician)},
                    {"by_stand_in", std::move(by_stand_in)}}},
                  {"open", end.rooms_open},
                  {"closed", end.rooms_closed}}},
                {"active_organizations",
                 {{"total", end.active_orgs_in_city + end.active_orgs_out_of_city},
                  {"in_city", end.active_orgs_in_city},
                  {"out_of_city", end.active_orgs_out_of_city}}},
                {"active_users", end.active_users},
                {"distinct_requesters", requesters_json(end.requesters)}}}};
}

}  // namespace

void Connection::statistics(const protocol::Request& request) {
  if (identity_->role != domain::Role::city_admin) {
    reply_error(request.id, Errc::forbidden, "only city administrators see the statistics");
    return;
  }
  protocol::StatisticsRange range;
  if (!parse_body(request, range)) return;
  services_.store.read(
      [range, query = query_for(range, services_.config.municipality)](storage::Database& db) {
        OperationResult r;
        r.result = summary_json(range, query, storage::collect_statistics(db, query));
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
