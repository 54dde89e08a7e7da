#include "protocol/error_code.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace musubi::protocol {
namespace {

// Every code with its wire name; clients branch on these names, so they must never change.
const std::vector<std::pair<Errc, std::string>>& all_codes() {
  static const std::vector<std::pair<Errc, std::string>> codes = {
      {Errc::malformed_json, "malformed_json"},
      {Errc::too_deep, "too_deep"},
      {Errc::unsupported_frame, "unsupported_frame"},
      {Errc::invalid_request, "invalid_request"},
      {Errc::unknown_op, "unknown_op"},
      {Errc::unauthenticated, "unauthenticated"},
      {Errc::invalid_credentials, "invalid_credentials"},
      {Errc::locked_out, "locked_out"},
      {Errc::invalid_token, "invalid_token"},
      {Errc::not_found, "not_found"},
      {Errc::forbidden, "forbidden"},
      {Errc::too_large, "too_large"},
      {Errc::rate_limited, "rate_limited"},
      {Errc::conflict, "conflict"},
      {Errc::unavailable, "unavailable"},
      {Errc::internal, "internal"},
  };
  return codes;
}

TEST(ErrorCode, WireNamesAreStable) {
  for (const auto& [code, name] : all_codes()) {
    EXPECT_EQ(to_string(code), name);
  }
}

TEST(ErrorCode, WireNamesAreDistinct) {
  std::set<std::string> names;
  for (const auto& [code, name] : all_codes())
    names.insert(std::string(to_string(code)));
  EXPECT_EQ(names.size(), all_codes().size());
}

TEST(ErrorCode, OutOfRangeValueIsReportedAsInternal) {
  EXPECT_EQ(to_string(static_cast<Errc>(999)), "internal");
}

TEST(ErrorCode, OnlyUnreadableFramesAreFatal) {
  const std::set<Errc> fatal = {Errc::malformed_json, Errc::too_deep, Errc::unsupported_frame};
  for (const auto& [code, name] : all_codes()) {
    EXPECT_EQ(is_fatal(code), fatal.contains(code)) << name;
  }
}

TEST(ErrorCode, CloseCodesOfFatalErrors) {
  EXPECT_EQ(close_code_for(Errc::malformed_json), 1007);
  EXPECT_EQ(close_code_for(Errc::too_deep), 1008);
  EXPECT_EQ(close_code_for(Errc::unsupported_frame), 1003);
}

TEST(ErrorCode, NonFatalErrorsMapToNormalClosure) {
  for (const auto& [code, name] : all_codes()) {
    if (is_fatal(code)) continue;
    EXPECT_EQ(close_code_for(code), close_code::normal) << name;
  }
}

TEST(CloseCode, ValuesFollowRfc6455AndThePrivateRange) {
  EXPECT_EQ(close_code::normal, 1000);
  EXPECT_EQ(close_code::going_away, 1001);
  EXPECT_EQ(close_code::unsupported_data, 1003);
  EXPECT_EQ(close_code::invalid_payload, 1007);
  EXPECT_EQ(close_code::policy_violation, 1008);
  EXPECT_EQ(close_code::too_big, 1009);
  EXPECT_EQ(close_code::slow_consumer, 4001);
  EXPECT_EQ(close_code::session_revoked, 4002);
  EXPECT_EQ(close_code::account_disabled, 4003);
}

}  // namespace
}  // namespace musubi::protocol
