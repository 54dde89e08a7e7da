#include "protocol/json_depth.hpp"

#include <string>

#include <gtest/gtest.h>

namespace musubi::protocol {
namespace {

TEST(JsonNestingDepth, ScalarsAndEmptyTextHaveDepthZero) {
  EXPECT_EQ(json_nesting_depth("", 16), 0u);
  EXPECT_EQ(json_nesting_depth("42", 16), 0u);
  EXPECT_EQ(json_nesting_depth("\"text\"", 16), 0u);
  EXPECT_EQ(json_nesting_depth("null", 16), 0u);
}

TEST(JsonNestingDepth, CountsArraysAndObjectsAlike) {
  EXPECT_EQ(json_nesting_depth("[]", 16), 1u);
  EXPECT_EQ(json_nesting_depth("{}", 16), 1u);
  EXPECT_EQ(json_nesting_depth("[[]]", 16), 2u);
  EXPECT_EQ(json_nesting_depth(R"({"a":[{"b":[1]}]})", 16), 4u);
}

TEST(JsonNestingDepth, ReportsTheDeepestBranchNotTheSum) {
  EXPECT_EQ(json_nesting_depth("[[],[],[]]", 16), 2u);
  EXPECT_EQ(json_nesting_depth(R"({"a":[[1]],"b":{"c":{"d":{}}}})", 16), 4u);
  EXPECT_EQ(json_nesting_depth("[[[]]][]", 16), 3u);
}

TEST(JsonNestingDepth, IgnoresBracketsInsideStrings) {
  EXPECT_EQ(json_nesting_depth(R"({"text":"[[[[{{{{"})", 16), 1u);
  EXPECT_EQ(json_nesting_depth(R"(["]]]]", ["x"]])", 16), 2u);
  EXPECT_EQ(json_nesting_depth(R"("[[[[")", 0), 0u);
}

TEST(JsonNestingDepth, EscapedQuoteDoesNotEndTheString) {
  // The string is  a"[[[  so none of its brackets count.
  EXPECT_EQ(json_nesting_depth(R"({"t":"a\"[[[["})", 16), 1u);
  // An escaped backslash before the quote does end the string: the brackets after it count.
  EXPECT_EQ(json_nesting_depth(R"({"t":"a\\",  "u":[[1]]})", 16), 3u);
}

TEST(JsonNestingDepth, UnbalancedClosingBracketsDoNotGoNegative) {
  EXPECT_EQ(json_nesting_depth("]]]][", 16), 1u);
  EXPECT_EQ(json_nesting_depth("}}[[", 16), 2u);
}

TEST(JsonNestingDepth, ExactlyAtTheLimitIsReturnedAsIs) {
  EXPECT_EQ(json_nesting_depth("[[[]]]", 3), 3u);
}

TEST(JsonNestingDepth, OverTheLimitReturnsLimitPlusOne) {
  EXPECT_EQ(json_nesting_depth("[[[[]]]]", 3), 4u);
  EXPECT_EQ(json_nesting_depth("[[[[[[[[[[]]]]]]]]]]", 3), 4u);
  EXPECT_EQ(json_nesting_depth("[", 0), 1u);
}

TEST(JsonNestingDepth, StopsEarlyOnAHugeHostileFrame) {
  // A million opening brackets: the answer is limit + 1, not a million.
  const std::string hostile(1'000'000, '[');
  EXPECT_EQ(json_nesting_depth(hostile, 16), 17u);
}

TEST(JsonNestingDepth, UnterminatedTextStillCounts) {
  EXPECT_EQ(json_nesting_depth("[[{", 16), 3u);
  EXPECT_EQ(json_nesting_depth(R"(["abc)", 16), 1u);
}

}  // namespace
}  // namespace musubi::protocol
