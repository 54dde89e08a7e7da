#include "protocol/hex_digit.hpp"

#include <cctype>

#include <gtest/gtest.h>

namespace musubi::protocol {
namespace {

TEST(HexDigit, ReadsEveryDigitInEitherCase) {
  const char* digits = "0123456789abcdef";
  for (int v = 0; v < 16; ++v) {
    EXPECT_EQ(hex_digit_value(digits[v]), v) << digits[v];
    EXPECT_EQ(hex_digit_value(static_cast<char>(std::toupper(digits[v]))), v) << digits[v];
  }
}

TEST(HexDigit, RefusesEveryOtherByte) {
  int accepted = 0;
  for (int c = -128; c < 128; ++c)
    accepted += hex_digit_value(static_cast<char>(c)) >= 0;
  EXPECT_EQ(accepted, 22);  // 0-9, a-f, A-F
  EXPECT_EQ(hex_digit_value('g'), -1);
  EXPECT_EQ(hex_digit_value('/'), -1);  // the byte before '0'
  EXPECT_EQ(hex_digit_value(':'), -1);  // the byte after '9'
  EXPECT_EQ(hex_digit_value('@'), -1);
  EXPECT_EQ(hex_digit_value('`'), -1);
  EXPECT_EQ(hex_digit_value('\xC0'), -1);
}

}  // namespace
}  // namespace musubi::protocol
