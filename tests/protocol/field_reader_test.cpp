#include "protocol/field_reader.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace musubi::protocol {
namespace {

using nlohmann::json;

TEST(Utf8Length, Ascii) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("a"), 1u);
  EXPECT_EQ(utf8_length("hello world"), 11u);
}

TEST(Utf8Length, CountsCodePointsOfEveryWidth) {
  EXPECT_EQ(utf8_length("é"), 1u);       // 2 bytes
  EXPECT_EQ(utf8_length("看護師"), 3u);  // 3 bytes each
  EXPECT_EQ(utf8_length("😀"), 1u);       // 4 bytes
  EXPECT_EQ(utf8_length("aé看😀"), 4u);   // 1 + 2 + 3 + 4 bytes
  EXPECT_EQ(std::string("aé看😀").size(), 10u);
}

TEST(Utf8Length, CombiningMarksAreSeparateCodePoints) {
  // "が" written as か + combining dakuten (U+3099): two code points.
  EXPECT_EQ(utf8_length("\xe3\x81\x8b\xe3\x82\x99"), 2u);
}

TEST(Utf8Length, EmbeddedNulCounts) {
  EXPECT_EQ(utf8_length(std::string_view("a\0b", 3)), 3u);
}

TEST(FieldReader, ReadsStringsAndIntegers) {
  const json body = {{"s", "テキスト"}, {"n", 7}};
  FieldReader r(body);
  EXPECT_EQ(r.string("s", 1, 10), "テキスト");
  EXPECT_EQ(r.integer("n", 0, 10), 7);
  EXPECT_FALSE(r.error().has_value());
}

TEST(FieldReader, IntegerRequiredAndRange) {
  const json body = {{"n", 11}, {"m", 3}};
  {
    FieldReader r(body);
    EXPECT_EQ(r.integer("missing", 0, 10), 0);
    ASSERT_TRUE(r.error().has_value());
    EXPECT_EQ(r.error()->code, Errc::invalid_request);
    EXPECT_EQ(r.error()->message, "body.missing: required");
  }
  {
    FieldReader r(body);
    EXPECT_EQ(r.integer("n", -10, 10), 0);
    ASSERT_TRUE(r.error().has_value());
    EXPECT_EQ(r.error()->message, "body.n: must be between -10 and 10");
  }
}

TEST(FieldReader, NegativeIntegersWithinRange) {
  const json body = {{"n", -3}};
  FieldReader r(body);
  EXPECT_EQ(r.optional_integer("n", -5, 5), -3);
  EXPECT_FALSE(r.error().has_value());
}

TEST(FieldReader, FloatIsNotAnInteger) {
  const json body = {{"n", 1.0}};
  FieldReader r(body);
  EXPECT_EQ(r.optional_integer("n", 0, 10), std::nullopt);
  ASSERT_TRUE(r.error().has_value());
  EXPECT_EQ(r.error()->message, "body.n: expected an integer");
}

TEST(FieldReader, KeepsOnlyTheFirstError) {
  const json body = {{"a", 1}, {"b", 2}};
  FieldReader r(body);
  r.string("a", 1, 5);
  r.string("b", 1, 5);
  r.fail(Errc::conflict, "later");
  ASSERT_TRUE(r.error().has_value());
  EXPECT_EQ(r.error()->code, Errc::invalid_request);
  EXPECT_EQ(r.error()->message, "body.a: expected a string");
}

TEST(FieldReader, AfterAnErrorLaterFieldsAreNotRead) {
  const json body = {{"a", 1}, {"b", "fine"}};
  FieldReader r(body);
  r.string("a", 1, 5);
  EXPECT_EQ(r.optional_string("b", 1, 5), std::nullopt);
}

TEST(FieldReader, FailRecordsTheGivenCode) {
  const json body = json::object();
  FieldReader r(body);
  r.fail(Errc::forbidden, "custom");
  ASSERT_TRUE(r.error().has_value());
  EXPECT_EQ(r.error()->code, Errc::forbidden);
  EXPECT_EQ(r.error()->message, "custom");
}

TEST(FieldReader, ArrayLimits) {
  const json body = {{"xs", {1, 2, 3}}, {"o", {{"k", 1}}}};
  {
    FieldReader r(body);
    const json* xs = r.array("xs", 3);
    ASSERT_NE(xs, nullptr);
    EXPECT_EQ(xs->size(), 3u);
  }
  {
    FieldReader r(body);
    EXPECT_EQ(r.array("xs", 2), nullptr);
    EXPECT_EQ(r.error()->code, Errc::too_large);
    EXPECT_EQ(r.error()->message, "body.xs: must have at most 2 items");
  }
  {
    FieldReader r(body);
    EXPECT_EQ(r.array("o", 2), nullptr);
    EXPECT_EQ(r.error()->code, Errc::invalid_request);
    EXPECT_EQ(r.error()->message, "body.o: expected an array");
  }
}

}  // namespace
}  // namespace musubi::protocol

namespace musubi::protocol {
namespace {

TEST(Utf8Validity, AcceptsEveryWidth) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("abc"));
  EXPECT_TRUE(is_valid_utf8("é看護師𠮷"));
}

TEST(Utf8Validity, RefusesMalformedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xe7\x9c"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("a\x80"));             // lone continuation byte
}

TEST(ControlCharacters, AreFound) {
  EXPECT_FALSE(has_control_characters("田中 看護師"));
  EXPECT_TRUE(has_control_characters("a\tb"));
  EXPECT_TRUE(has_control_characters("a\nb"));
  EXPECT_TRUE(has_control_characters("a\x7f"));
  EXPECT_TRUE(has_control_characters(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace musubi::protocol
