#include "protocol/timestamp.hpp"

#include <cstdint>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace musubi::protocol {
namespace {

constexpr std::int64_t kExampleMs = 1795489445123;  // 2026-11-24T03:04:05.123Z

TEST(FormatTimestamp, Epoch) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000Z");
}

TEST(FormatTimestamp, ExampleFromTheHeader) {
  EXPECT_EQ(format_timestamp(kExampleMs), "2026-11-24T03:04:05.123Z");
}

TEST(FormatTimestamp, AlwaysThreeMillisecondDigits) {
  EXPECT_EQ(format_timestamp(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(format_timestamp(1000), "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(format_timestamp(60'010), "1970-01-01T00:01:00.010Z");
}

TEST(FormatTimestamp, LeapDay) {
  EXPECT_EQ(format_timestamp(951868799999), "2000-02-29T23:59:59.999Z");
}

TEST(FormatTimestamp, NegativeMillisecondsRoundTowardsThePast) {
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(format_timestamp(-1500), "1969-12-31T23:59:58.500Z");
  EXPECT_EQ(format_timestamp(-2208988800000), "1900-01-01T00:00:00.000Z");
}

TEST(FormatTimestamp, FarFuture) {
  EXPECT_EQ(format_timestamp(253402300799999), "9999-12-31T23:59:59.999Z");
}

// The calendar arithmetic against the C library's, over years 0000 to 9999 and just outside.
TEST(FormatTimestamp, AgreesWithGmtimeAcrossTheRange) {
  // gmtime_r's fields, padded by a stream.
  auto reference = [](std::int64_t ms) {
    const std::int64_t millis = ((ms % 1000) + 1000) % 1000;
    const auto seconds = static_cast<std::time_t>((ms - millis) / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    std::ostringstream out;
    out << std::setfill('0') << std::internal << std::setw(4) << tm.tm_year + 1900 << '-'
        << std::setw(2) << tm.tm_mon + 1 << '-' << std::setw(2) << tm.tm_mday << 'T' << std::setw(2)
        << tm.tm_hour << ':' << std::setw(2) << tm.tm_min << ':' << std::setw(2) << tm.tm_sec << '.'
        << std::setw(3) << millis << 'Z';
    return out.str();
  };
  constexpr std::int64_t kFirst = -62'167'219'200'000;  // 0000-01-01T00:00:00.000Z
  constexpr std::int64_t kLast = 253'402'300'799'999;   // 9999-12-31T23:59:59.999Z
  for (std::int64_t ms : {kFirst - 1, kFirst, kLast, kLast + 1})
    EXPECT_EQ(format_timestamp(ms), reference(ms)) << ms;
  // A step of no round size, so that every field takes many values.
  for (std::int64_t ms = kFirst; ms <= kLast; ms += 99'991'234'567)
    ASSERT_EQ(format_timestamp(ms), reference(ms)) << ms;
}

TEST(ParseTimestamp, ExampleFromTheHeader) {
  EXPECT_EQ(parse_timestamp("2026-11-24T03:04:05.123Z"), kExampleMs);
}

TEST(ParseTimestamp, Epoch) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00.000Z"), 0);
}

TEST(ParseTimestamp, BeforeTheEpoch) {
  EXPECT_EQ(parse_timestamp("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(parse_timestamp("1969-12-31T23:59:58.500Z"), -1500);
}

TEST(ParseTimestamp, RoundTripsEveryFormattedValue) {
  for (std::int64_t ms :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{-999}, std::int64_t{-1000},
        std::int64_t{-1001}, std::int64_t{-86'400'000}, std::int64_t{999}, kExampleMs,
        std::int64_t{951868799999}, std::int64_t{-2208988800000}, std::int64_t{253402300799999}}) {
    EXPECT_EQ(parse_timestamp(format_timestamp(ms)), ms) << ms << " " << format_timestamp(ms);
  }
}

TEST(ParseTimestamp, RefusesOtherShapes) {
  for (const char* text : {"", "2026-11-24", "2026-11-24T03:04:05Z", "2026-11-24T03:04:05.123",
                           "2026-11-24T03:04:05.123+09:00", "2026-11-24 03:04:05.123Z",
                           "2026-11-24T03:04:05.123z", "yesterday", "1795489445123"}) {
    EXPECT_EQ(parse_timestamp(text), std::nullopt) << text;
  }
}

TEST(ParseTimestamp, ShortFractionIsNotMisreadAsMilliseconds) {
  // Regression (fixed): protocol/timestamp.cpp:30 reads the fraction with "%3d", so ".1Z" parses as
  // 1 ms instead of 100 ms (RFC 3339), and ".01Z" as 1 ms instead of 10 ms: a wrong value returned
  // silently. It should either refuse anything but three digits or scale the fraction.
  const auto tenth = parse_timestamp("2026-11-24T03:04:05.1Z");
  EXPECT_TRUE(!tenth || *tenth == kExampleMs - 123 + 100) << *tenth;
  const auto hundredth = parse_timestamp("2026-11-24T03:04:05.01Z");
  EXPECT_TRUE(!hundredth || *hundredth == kExampleMs - 123 + 10) << *hundredth;
}

TEST(ParseTimestamp, RefusesTrailingTextAndOutOfRangeFields) {
  // Regression (fixed): protocol/timestamp.cpp:30-37 stops reading at the 'Z', so trailing text is
  // ignored, and timegm() normalises impossible fields (month 13, hour 25) into a different instant
  // instead of refusing them.
  EXPECT_EQ(parse_timestamp("2026-11-24T03:04:05.123Zjunk"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-13-24T03:04:05.123Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-11-24T25:04:05.123Z"), std::nullopt);
}

TEST(Timestamp, AppendWritesTheSameTextAfterWhatIsThere) {
  std::string out = R"({"ts":")";
  append_timestamp(out, 1'764'990'245'007);
  EXPECT_EQ(out, R"({"ts":")" + format_timestamp(1'764'990'245'007));
  EXPECT_EQ(format_timestamp(1'764'990'245'007), "2025-12-06T03:04:05.007Z");
  std::string before_epoch;
  append_timestamp(before_epoch, -1);
  EXPECT_EQ(before_epoch, "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace musubi::protocol
