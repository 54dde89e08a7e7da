#include "server/domain/retention.hpp"

#include <cstdio>

namespace musubi::domain {

namespace chr = std::chrono;

std::optional<std::string> retention_years_problem(int years) {
  if (years == 0) return std::nullopt;
  if (years < kMinRetentionYears) {
    return "must be 0 (keep closed rooms forever) or at least " +
           std::to_string(kMinRetentionYears) +
           " years (診療録: 5 years after the end of care, 医師法 第24条), got " +
           std::to_string(years);
  }
  if (years > kMaxRetentionYears) {
    return "must be at most " + std::to_string(kMaxRetentionYears) + " years, got " +
           std::to_string(years);
  }
  return std::nullopt;
}

chr::year_month_day purge_allowed_from(chr::year_month_day closed_on, int years) {
  // The period starts the day after closing (初日不算入); it ends the day before that start's
  // same date `years` later, so purging is allowed from that date itself.
  const chr::year_month_day start{chr::sys_days{closed_on} + chr::days{1}};
  const chr::year_month_day same_date{start.year() + chr::years{years}, start.month(), start.day()};
  if (same_date.ok()) return same_date;
  // 29 February in a common year: the period ends on the last day of February.
  return chr::year_month_day{chr::sys_days{same_date.year() / same_date.month() / chr::last} +
                             chr::days{1}};
}

bool purge_due(std::optional<chr::year_month_day> closed_on, chr::year_month_day today, int years) {
  if (!closed_on || years <= 0) return false;
  return chr::sys_days{today} >= chr::sys_days{purge_allowed_from(*closed_on, years)};
}

std::string format_date(chr::year_month_day day) {
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

}  // namespace musubi::domain
