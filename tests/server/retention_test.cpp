#include "server/domain/retention.hpp"

#include <gtest/gtest.h>

namespace musubi::domain {
namespace {

using std::chrono::year_month_day;

year_month_day day(int y, unsigned m, unsigned d) {
  return std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d};
}

TEST(RetentionPeriod, EndsTheDayBeforeTheSameDateYearsLaterCountedFromTheNextDay) {
  // Closed 2020-03-15: kept through 2025-03-15, purgeable from 2025-03-16.
  EXPECT_EQ(purge_allowed_from(day(2020, 3, 15), 5), day(2025, 3, 16));
  EXPECT_FALSE(purge_due(day(2020, 3, 15), day(2025, 3, 14), 5));
  EXPECT_FALSE(purge_due(day(2020, 3, 15), day(2025, 3, 15), 5));
  EXPECT_TRUE(purge_due(day(2020, 3, 15), day(2025, 3, 16), 5));
  EXPECT_TRUE(purge_due(day(2020, 3, 15), day(2031, 1, 1), 5));
}

TEST(RetentionPeriod, ClosedOnTheLastDayOfAYear) {
  EXPECT_EQ(purge_allowed_from(day(2020, 12, 31), 5), day(2026, 1, 1));
  EXPECT_FALSE(purge_due(day(2020, 12, 31), day(2025, 12, 31), 5));
  EXPECT_TRUE(purge_due(day(2020, 12, 31), day(2026, 1, 1), 5));
}

TEST(RetentionPeriod, ClosedOnALeapDay) {
  // The period starts on 1 March: kept through 2025-02-28.
  EXPECT_EQ(purge_allowed_from(day(2020, 2, 29), 5), day(2025, 3, 1));
  EXPECT_FALSE(purge_due(day(2020, 2, 29), day(2025, 2, 28), 5));
  EXPECT_TRUE(purge_due(day(2020, 2, 29), day(2025, 3, 1), 5));
  // Four years later is a leap year again: still kept through its 29 February.
  EXPECT_EQ(purge_allowed_from(day(2020, 2, 29), 8), day(2028, 3, 1));
  EXPECT_FALSE(purge_due(day(2020, 2, 29), day(2028, 2, 29), 8));
}

TEST(RetentionPeriod, ClosedTheDayBeforeALeapDay) {
  // The period starts on 29 February 2020; 2025 has none, so it ends on 28 February (民法 第143条
  // 第2項 ただし書) and purging is allowed from 1 March.
  EXPECT_EQ(purge_allowed_from(day(2020, 2, 28), 5), day(2025, 3, 1));
  EXPECT_FALSE(purge_due(day(2020, 2, 28), day(2025, 2, 28), 5));
  EXPECT_TRUE(purge_due(day(2020, 2, 28), day(2025, 3, 1), 5));
}

TEST(RetentionPeriod, EndingInALeapYearKeepsTheLeapDay) {
  // Closed 2019-02-28: the period starts 2019-03-01 and ends 2024-02-29, not 2024-02-28.
  EXPECT_EQ(purge_allowed_from(day(2019, 2, 28), 5), day(2024, 3, 1));
  EXPECT_FALSE(purge_due(day(2019, 2, 28), day(2024, 2, 29), 5));
  EXPECT_TRUE(purge_due(day(2019, 2, 28), day(2024, 3, 1), 5));
}

TEST(RetentionPeriod, NeverDueBeforeTheWholePeriodOnAnyDay) {
  // For every closing day of four years (a leap cycle): the day before purging is allowed is at
  // least `years` calendar years after closing, and that day is not due.
  for (int years : {5, 6, 10}) {
    for (auto d = std::chrono::sys_days{day(2019, 1, 1)};
         d < std::chrono::sys_days{day(2023, 1, 1)}; d += std::chrono::days{1}) {
      const year_month_day closed{d};
      const year_month_day from = purge_allowed_from(closed, years);
      const year_month_day last_kept{std::chrono::sys_days{from} - std::chrono::days{1}};
      ASSERT_FALSE(purge_due(closed, last_kept, years)) << format_date(closed);
      ASSERT_TRUE(purge_due(closed, from, years)) << format_date(closed);
      const year_month_day anniversary{closed.year() + std::chrono::years{years}, closed.month(),
                                       closed.day()};
      // The anniversary itself (or 28 February for a leap day) is always still kept.
      const auto anniversary_day = anniversary.ok()
                                       ? std::chrono::sys_days{anniversary}
                                       : std::chrono::sys_days{anniversary.year() / 2 / 28};
      ASSERT_GT(std::chrono::sys_days{from}, anniversary_day) << format_date(closed);
      // ... and purging is allowed at most two days after it.
      ASSERT_LE(std::chrono::sys_days{from} - anniversary_day, std::chrono::days{2})
          << format_date(closed);
    }
  }
}

TEST(RetentionPeriod, OpenRoomsAndForeverAreNeverDue) {
  EXPECT_FALSE(purge_due(std::nullopt, day(2099, 1, 1), 5));
  EXPECT_FALSE(purge_due(day(1990, 1, 1), day(2099, 1, 1), 0));
}

TEST(RetentionYears, ZeroOrFiveToAHundred) {
  EXPECT_EQ(retention_years_problem(0), std::nullopt);
  EXPECT_EQ(retention_years_problem(5), std::nullopt);
  EXPECT_EQ(retention_years_problem(30), std::nullopt);
  EXPECT_EQ(retention_years_problem(100), std::nullopt);
  for (int years : {-1, 1, 4, 101})
    EXPECT_NE(retention_years_problem(years), std::nullopt) << years;
  EXPECT_NE(retention_years_problem(4)->find("at least 5"), std::string::npos);
  EXPECT_EQ(kDefaultRetentionYears, 5);
}

TEST(RetentionDate, FormatsIso) {
  EXPECT_EQ(format_date(day(2025, 3, 1)), "2025-03-01");
  EXPECT_EQ(format_date(day(987, 12, 31)), "0987-12-31");
}

}  // namespace
}  // namespace musubi::domain
