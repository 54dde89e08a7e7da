#include "protocol/json_schema.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace musubi::protocol {
namespace {

using nlohmann::json;
using Lines = std::vector<std::string>;

// "[path] message", with " (too_large)" when the flag is set: one line per error, easy to compare.
std::string line(const SchemaError& e) {
  return "[" + e.path + "] " + e.message + (e.too_large ? " (too_large)" : "");
}

Lines errors(const JsonSchema& schema, const json& instance) {
  Lines out;
  for (const auto& e : schema.validate_all(instance))
    out.push_back(line(e));
  // The three entry points must agree.
  const auto first = schema.validate(instance);
  EXPECT_EQ(first.has_value(), !out.empty());
  if (first) {
    EXPECT_EQ(line(*first), out.front());
  }
  EXPECT_EQ(schema.matches(instance), out.empty());
  return out;
}

Lines errors(std::string_view schema, std::string_view instance) {
  return errors(JsonSchema(json::parse(schema)), json::parse(instance));
}

bool valid(std::string_view schema, std::string_view instance) {
  return errors(schema, instance).empty();
}

// The message of the std::invalid_argument the constructor throws, or "" if it does not.
std::string compile_error(const json& schema,
                          JsonSchema::Dialect dialect = JsonSchema::Dialect::automatic) {
  try {
    JsonSchema compiled(schema, dialect);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

std::string compile_error(const char* schema) {
  return compile_error(json::parse(schema));
}

// --- type --------------------------------------------------------------------------------------

TEST(JsonSchemaType, EachTypeNameHasAMessage) {
  EXPECT_EQ(errors(R"({"type":"string"})", "1"), Lines{"[] must be a string"});
  EXPECT_EQ(errors(R"({"type":"number"})", R"("1")"), Lines{"[] must be a number"});
  EXPECT_EQ(errors(R"({"type":"integer"})", "1.5"), Lines{"[] must be an integer"});
  EXPECT_EQ(errors(R"({"type":"object"})", "[]"), Lines{"[] must be an object"});
  EXPECT_EQ(errors(R"({"type":"array"})", "{}"), Lines{"[] must be an array"});
  EXPECT_EQ(errors(R"({"type":"boolean"})", "0"), Lines{"[] must be a boolean"});
  EXPECT_EQ(errors(R"({"type":"null"})", "false"), Lines{"[] must be null"});
}

TEST(JsonSchemaType, AnArrayOfNamesAcceptsAnyOfThem) {
  const char* schema = R"({"type":["string","number","null"]})";
  EXPECT_TRUE(valid(schema, R"("a")"));
  EXPECT_TRUE(valid(schema, "2.5"));
  EXPECT_TRUE(valid(schema, "null"));
  EXPECT_EQ(errors(schema, "true"), Lines{"[] must be a string, a number or null"});
  EXPECT_EQ(errors(R"({"type":["string","null"]})", "1"), Lines{"[] must be a string or null"});
}

TEST(JsonSchemaType, IntegerIsAnyNumberWithAZeroFraction) {
  const char* schema = R"({"type":"integer"})";
  EXPECT_TRUE(valid(schema, "1"));
  EXPECT_TRUE(valid(schema, "1.0"));
  EXPECT_TRUE(valid(schema, "-0.0"));
  EXPECT_TRUE(valid(schema, "18446744073709551615"));
  EXPECT_TRUE(valid(schema, "1e300"));
  EXPECT_FALSE(valid(schema, "1.0000001"));
  EXPECT_TRUE(valid(R"({"type":"number"})", "7"));
}

TEST(JsonSchemaType, AValueOfTheWrongTypeIsNotCheckedFurther) {
  EXPECT_EQ(errors(R"({"type":"string","enum":["a"],"minimum":5,"allOf":[false]})", "1"),
            Lines{"[] must be a string"});
}

// --- enum and const ----------------------------------------------------------------------------

TEST(JsonSchemaEnum, ListsTheAllowedValuesButNotTheGivenOne) {
  const char* schema = R"({"enum":["full_code","dnar","undecided"]})";
  EXPECT_TRUE(valid(schema, R"("dnar")"));
  EXPECT_EQ(errors(schema, R"("secret value")"),
            Lines{"[] must be one of full_code, dnar, undecided"});
  EXPECT_EQ(errors(R"({"enum":[1,null,{"a":[true]}]})", "2"),
            Lines{R"([] must be one of 1, null, {"a":[true]})"});
}

TEST(JsonSchemaEnum, ComparesNumbersByValueAndObjectsByContent) {
  EXPECT_TRUE(valid(R"({"enum":[1]})", "1.0"));
  EXPECT_TRUE(valid(R"({"enum":[{"a":1,"b":[2]}]})", R"({"b":[2.0],"a":1})"));
  EXPECT_FALSE(valid(R"({"enum":[{"a":1}]})", R"({"a":1,"b":2})"));
  EXPECT_FALSE(valid(R"({"enum":[false]})", "0"));
}

TEST(JsonSchemaConst, RequiresExactlyThatValue) {
  EXPECT_TRUE(valid(R"({"const":"estimated_by_family"})", R"("estimated_by_family")"));
  EXPECT_EQ(errors(R"({"const":"estimated_by_family"})", R"("x")"),
            Lines{"[] must equal estimated_by_family"});
  EXPECT_EQ(errors(R"({"const":[1,2]})", "[2,1]"), Lines{"[] must equal [1,2]"});
  EXPECT_TRUE(valid(R"({"const":null})", "null"));
  EXPECT_FALSE(valid(R"({"const":null})", "0"));
}

// --- strings -------------------------------------------------------------------------------------

TEST(JsonSchemaString, LengthsCountCodePointsNotBytes) {
  const char* schema = R"({"minLength":2,"maxLength":3})";
  EXPECT_TRUE(valid(schema, R"("日本語")"));  // 9 bytes, 3 code points
  EXPECT_TRUE(valid(schema, R"("😀😀")"));      // 8 bytes, 2 code points
  EXPECT_EQ(errors(schema, R"("日")"), Lines{"[] must be at least 2 characters"});
  EXPECT_EQ(errors(schema, R"("日本語!")"), Lines{"[] must be at most 3 characters (too_large)"});
  EXPECT_EQ(errors(R"({"minLength":1})", R"("")"), Lines{"[] must be at least 1 character"});
  EXPECT_EQ(errors(R"({"maxLength":250})", json(std::string(251, 'a')).dump()),
            Lines{"[] must be at most 250 characters (too_large)"});
}

TEST(JsonSchemaString, LengthKeywordsIgnoreOtherTypes) {
  EXPECT_TRUE(valid(R"({"maxLength":1,"minLength":5})", "123456"));
  EXPECT_TRUE(valid(R"({"maxLength":1})", R"(["a","b"])"));
}

TEST(JsonSchemaString, PatternIsNotAnchoredAndMatchesCodePoints) {
  EXPECT_TRUE(valid(R"({"pattern":"[0-9]{3}"})", R"("tel 012-3456")"));
  EXPECT_EQ(errors(R"({"pattern":"^[0-9]+$"})", R"("12a")"),
            Lines{"[] must match the pattern ^[0-9]+$"});
  EXPECT_TRUE(valid(R"({"pattern":"^.{3}$"})", R"("日本語")"));
  EXPECT_TRUE(valid(R"({"pattern":"^[ぁ-ん]+$"})", R"("ひらがな")"));
  EXPECT_FALSE(valid(R"({"pattern":"^[ぁ-ん]+$"})", R"("カタカナ")"));
  EXPECT_TRUE(valid(R"({"pattern":"^a"})", "12"));  // not a string
}

TEST(JsonSchemaString, AStringOfTheWrongLengthIsNotCheckedForPatternOrFormat) {
  const char* schema = R"({"maxLength":5,"pattern":"^[0-9]+$","format":"date"})";
  EXPECT_EQ(errors(schema, R"("abcdefgh")"), Lines{"[] must be at most 5 characters (too_large)"});
  EXPECT_EQ(errors(schema, R"("abc")"),
            (Lines{"[] must match the pattern ^[0-9]+$", "[] is not a valid date (YYYY-MM-DD)"}));
}

// --- formats -------------------------------------------------------------------------------------

bool is(const char* format, const char* text) {
  return JsonSchema(json{{"format", format}}).matches(json(text));
}

TEST(JsonSchemaFormat, DateIsADayThatExists) {
  EXPECT_TRUE(is("date", "2024-05-01"));
  EXPECT_TRUE(is("date", "2024-02-29"));  // leap year
  EXPECT_TRUE(is("date", "2000-02-29"));  // divisible by 400
  EXPECT_TRUE(is("date", "0000-01-01"));
  EXPECT_TRUE(is("date", "9999-12-31"));
  EXPECT_FALSE(is("date", "2023-02-29"));
  EXPECT_FALSE(is("date", "1900-02-29"));  // divisible by 100 but not 400
  EXPECT_FALSE(is("date", "2023-04-31"));
  EXPECT_FALSE(is("date", "2023-13-01"));
  EXPECT_FALSE(is("date", "2023-00-10"));
  EXPECT_FALSE(is("date", "2023-01-00"));
  EXPECT_FALSE(is("date", "2023-1-01"));
  EXPECT_FALSE(is("date", "2023-01-01 "));
  EXPECT_FALSE(is("date", "2023/01/01"));
  EXPECT_FALSE(is("date", "20230101"));
  EXPECT_FALSE(is("date", "２０２３-01-01"));  // full-width digits
  EXPECT_FALSE(is("date", ""));
  EXPECT_EQ(errors(R"({"format":"date"})", R"("2023-02-29")"),
            Lines{"[] is not a valid date (YYYY-MM-DD)"});
}

TEST(JsonSchemaFormat, DateTimeIsRfc3339WithAnOffset) {
  EXPECT_TRUE(is("date-time", "2024-05-01T09:30:00Z"));
  EXPECT_TRUE(is("date-time", "2024-05-01T09:30:00+09:00"));
  EXPECT_TRUE(is("date-time", "2024-05-01T09:30:00-05:30"));
  EXPECT_TRUE(is("date-time", "2024-05-01T09:30:00.123456+09:00"));
  EXPECT_TRUE(is("date-time", "2024-05-01t09:30:00.5z"));
  EXPECT_TRUE(is("date-time", "2024-02-29T23:59:59Z"));
  EXPECT_FALSE(is("date-time", "2023-02-29T00:00:00Z"));
  EXPECT_FALSE(is("date-time", "2024-05-01T09:30:00"));  // no offset
  EXPECT_FALSE(is("date-time", "2024-05-01 09:30:00Z"));
  EXPECT_FALSE(is("date-time", "2024-05-01T09:30Z"));  // seconds are required
  EXPECT_FALSE(is("date-time", "2024-05-01T24:00:00Z"));
  EXPECT_FALSE(is("date-time", "2024-05-01T23:59:60Z"));  // no leap second
  EXPECT_FALSE(is("date-time", "2024-05-01T09:30:00.Z"));
  EXPECT_FALSE(is("date-time", "2024-05-01T09:30:00+9:00"));
  EXPECT_FALSE(is("date-time", "2024-05-01T09:30:00+24:00"));
  EXPECT_FALSE(is("date-time", "2024-05-01T09:30:00+0900"));
  EXPECT_FALSE(is("date-time", "2024-05-01T09:30:00+09:00Z"));
  EXPECT_EQ(errors(R"({"format":"date-time"})", R"("yesterday")"),
            Lines{"[] is not a valid date-time (YYYY-MM-DDTHH:MM:SS with Z or an offset such as "
                  "+09:00)"});
}

TEST(JsonSchemaFormat, TimeIsAWallClockTimeOrAnRfc3339Time) {
  EXPECT_TRUE(is("time", "14:30"));
  EXPECT_TRUE(is("time", "00:00"));
  EXPECT_TRUE(is("time", "14:30:00"));
  EXPECT_TRUE(is("time", "23:59:59.999"));
  EXPECT_TRUE(is("time", "14:30:00.5+09:00"));
  EXPECT_TRUE(is("time", "14:30Z"));
  EXPECT_TRUE(is("time", "08:30:06.283185Z"));
  EXPECT_FALSE(is("time", "24:00"));
  EXPECT_FALSE(is("time", "14:60"));
  EXPECT_FALSE(is("time", "14:30:60"));
  EXPECT_FALSE(is("time", "14:30.5"));  // a fraction needs seconds
  EXPECT_FALSE(is("time", "1430"));
  EXPECT_FALSE(is("time", "9:30"));
  EXPECT_FALSE(is("time", "14:30+09"));
  EXPECT_FALSE(is("time", "14:30:00 PST"));
  EXPECT_EQ(errors(R"({"format":"time"})", R"("noon")"),
            Lines{"[] is not a valid time (HH:MM or HH:MM:SS)"});
}

TEST(JsonSchemaFormat, IgnoresValuesThatAreNotStrings) {
  EXPECT_TRUE(valid(R"({"format":"date"})", "20240501"));
  EXPECT_TRUE(valid(R"({"format":"date-time"})", "null"));
}

// --- numbers -------------------------------------------------------------------------------------

TEST(JsonSchemaNumber, InclusiveAndExclusiveLimits) {
  const char* schema =
      R"({"minimum":0,"maximum":250,"exclusiveMinimum":-1,"exclusiveMaximum":250.5})";
  EXPECT_TRUE(valid(schema, "0"));
  EXPECT_TRUE(valid(schema, "250"));
  EXPECT_EQ(errors(schema, "-0.5"), Lines{"[] must be at least 0"});
  EXPECT_EQ(errors(schema, "250.25"), Lines{"[] must be at most 250"});
  EXPECT_EQ(errors(R"({"exclusiveMinimum":0})", "0"), Lines{"[] must be greater than 0"});
  EXPECT_EQ(errors(R"({"exclusiveMaximum":1.5})", "1.5"), Lines{"[] must be less than 1.5"});
  EXPECT_EQ(errors(R"({"minimum":10,"maximum":0})", "5"),
            (Lines{"[] must be at least 10", "[] must be at most 0"}));
  EXPECT_TRUE(valid(R"({"minimum":0.5})", "1"));
  EXPECT_FALSE(valid(R"({"minimum":0.5})", "0"));
  EXPECT_TRUE(valid(R"({"maximum":3})", R"("99")"));  // not a number
}

TEST(JsonSchemaNumber, SixtyFourBitIntegersCompareExactly) {
  // All of these are the same double.
  EXPECT_TRUE(valid(R"({"maximum":9007199254740992})", "9007199254740992"));
  EXPECT_FALSE(valid(R"({"maximum":9007199254740992})", "9007199254740993"));
  EXPECT_FALSE(valid(R"({"exclusiveMaximum":9223372036854775807})", "9223372036854775807"));
  EXPECT_TRUE(valid(R"({"exclusiveMaximum":9223372036854775807})", "9223372036854775806"));
  EXPECT_FALSE(valid(R"({"maximum":18446744073709551614})", "18446744073709551615"));
  EXPECT_TRUE(valid(R"({"minimum":-9223372036854775808})", "-9223372036854775808"));
  EXPECT_FALSE(valid(R"({"minimum":0})", "-9223372036854775808"));
  EXPECT_TRUE(valid(R"({"minimum":-1})", "18446744073709551615"));
  // An integer against a double.
  EXPECT_FALSE(valid(R"({"maximum":9007199254740992.0})", "9007199254740993"));
  EXPECT_TRUE(valid(R"({"maximum":1e300})", "18446744073709551615"));
  EXPECT_FALSE(valid(R"({"minimum":-1e300})", "-1e301"));
}

TEST(JsonSchemaNumber, MultipleOf) {
  EXPECT_TRUE(valid(R"({"multipleOf":2})", "-4"));
  EXPECT_EQ(errors(R"({"multipleOf":2})", "7"), Lines{"[] must be a multiple of 2"});
  EXPECT_TRUE(valid(R"({"multipleOf":0.5})", "36.5"));
  EXPECT_EQ(errors(R"({"multipleOf":0.5})", "36.7"), Lines{"[] must be a multiple of 0.5"});
  EXPECT_TRUE(valid(R"({"multipleOf":0.01})", "19.99"));
  EXPECT_TRUE(valid(R"({"multipleOf":0.0001})", "0.0075"));
  EXPECT_FALSE(valid(R"({"multipleOf":0.0001})", "0.00751"));
  // 2^53 + 1 is a multiple of 3; its nearest double, 2^53, is not.
  EXPECT_TRUE(valid(R"({"multipleOf":3})", "9007199254740993"));
  EXPECT_TRUE(valid(R"({"multipleOf":2})", "-9223372036854775808"));
  EXPECT_FALSE(valid(R"({"multipleOf":0.123456789})", "1e308"));  // the quotient overflows
}

// --- arrays --------------------------------------------------------------------------------------

TEST(JsonSchemaArray, ItemCounts) {
  const char* schema = R"({"minItems":1,"maxItems":2})";
  EXPECT_TRUE(valid(schema, "[1,2]"));
  EXPECT_EQ(errors(schema, "[]"), Lines{"[] must have at least 1 item"});
  EXPECT_EQ(errors(schema, "[1,2,3]"), Lines{"[] must have at most 2 items (too_large)"});
  EXPECT_EQ(errors(R"({"minItems":3})", "[1]"), Lines{"[] must have at least 3 items"});
  EXPECT_TRUE(valid(schema, R"("not an array")"));
}

TEST(JsonSchemaArray, ItemsAreCheckedAndNamedByIndex) {
  const char* schema = R"({"items":{"type":"string","maxLength":2}})";
  EXPECT_TRUE(valid(schema, R"(["a","bc"])"));
  EXPECT_EQ(errors(schema, R"(["a",1,"abc"])"),
            (Lines{"[[1]] must be a string", "[[2]] must be at most 2 characters (too_large)"}));
}

TEST(JsonSchemaArray, UniqueItemsComparesByValue) {
  const char* schema = R"({"uniqueItems":true})";
  EXPECT_TRUE(valid(schema, R"([1,"1",[1],{"a":1},true])"));
  EXPECT_EQ(errors(schema, "[1,2,1.0]"), Lines{"[] must not contain duplicate items"});
  EXPECT_FALSE(valid(schema, R"([{"a":1,"b":2},{"b":2,"a":1}])"));
  EXPECT_TRUE(valid(R"({"uniqueItems":false})", "[1,1]"));
}

TEST(JsonSchemaArray, AnArrayOverMaxItemsIsNotLookedInto) {
  const char* schema = R"({"maxItems":2,"uniqueItems":true,"items":{"type":"string"}})";
  EXPECT_EQ(errors(schema, "[1,1,1]"), Lines{"[] must have at most 2 items (too_large)"});
  EXPECT_EQ(errors(schema, "[1,1]"), (Lines{"[] must not contain duplicate items",
                                            "[[0]] must be a string", "[[1]] must be a string"}));
}

TEST(JsonSchemaArray, TheTupleFormOfItemsIsRefused) {
  EXPECT_EQ(compile_error(R"({"items":[{"type":"string"}]})"),
            "unsupported tuple form of \"items\" (an array of schemas) at #");
}

// --- objects -------------------------------------------------------------------------------------

TEST(JsonSchemaObject, RequiredFieldsAreNamedInThePath) {
  const char* schema = R"({"required":["name","age"],"properties":{"age":{"type":"integer"}}})";
  EXPECT_TRUE(valid(schema, R"({"name":"x","age":3})"));
  EXPECT_EQ(errors(schema, R"({"age":"x"})"),
            (Lines{"[age] must be an integer", "[name] is required"}));
  EXPECT_TRUE(valid(schema, "[]"));  // not an object
}

TEST(JsonSchemaObject, AdditionalPropertiesFalseNamesTheUnknownField) {
  const char* schema = R"({"properties":{"a":{}},"additionalProperties":false})";
  EXPECT_TRUE(valid(schema, R"({"a":1})"));
  EXPECT_EQ(errors(schema, R"({"a":1,"b":2,"c":3})"),
            (Lines{"[b] is not allowed (unknown field)", "[c] is not allowed (unknown field)"}));
}

TEST(JsonSchemaObject, AdditionalPropertiesSchemaAppliesToTheOtherMembers) {
  const char* schema = R"({"properties":{"a":{"type":"integer"}},
                           "additionalProperties":{"type":"string"}})";
  EXPECT_TRUE(valid(schema, R"({"a":1,"b":"x"})"));
  EXPECT_EQ(errors(schema, R"({"a":"x","b":1})"),
            (Lines{"[a] must be an integer", "[b] must be a string"}));
}

TEST(JsonSchemaObject, AFalsePropertyIsNotAllowed) {
  EXPECT_EQ(errors(R"({"properties":{"legacy":false}})", R"({"legacy":1})"),
            Lines{"[legacy] is not allowed"});
}

TEST(JsonSchemaPath, NestedObjectsAndArrayIndices) {
  const char* schema = R"({
    "properties": {
      "vitals": {"properties": {"pulse": {"type": "integer"}}},
      "contacts": {"items": {"properties": {"phone": {"pattern": "^[0-9-]+$"}}}},
      "grid": {"items": {"items": {"type": "null"}}}
    }})";
  EXPECT_EQ(errors(schema, R"({"vitals":{"pulse":"fast"}})"),
            Lines{"[vitals.pulse] must be an integer"});
  EXPECT_EQ(errors(schema, R"({"contacts":[{},{},{"phone":"call me"}]})"),
            Lines{"[contacts[2].phone] must match the pattern ^[0-9-]+$"});
  EXPECT_EQ(errors(schema, R"({"grid":[[],[null,1]]})"), Lines{"[grid[1][1]] must be null"});
  EXPECT_EQ(errors(R"({"items":{"type":"null"}})", "[null,0]"), Lines{"[[1]] must be null"});
}

TEST(JsonSchemaPath, AwkwardKeysAreQuoted) {
  const char* schema = R"({"properties":{"notes":{"additionalProperties":{"type":"string"}}},
                           "additionalProperties":{"type":"string"}})";
  EXPECT_EQ(errors(schema, R"({"notes":{"a.b":1}})"), Lines{R"([notes["a.b"]] must be a string)"});
  EXPECT_EQ(errors(schema, R"({"notes":{"":1}})"), Lines{R"([notes[""]] must be a string)"});
  EXPECT_EQ(errors(schema, R"({"notes":{"x[0]":1}})"),
            Lines{R"([notes["x[0]"]] must be a string)"});
  EXPECT_EQ(errors(schema, R"({"notes":{"say \"hi\"":1}})"),
            Lines{R"([notes["say \"hi\""]] must be a string)"});
  EXPECT_EQ(errors(schema, R"({"notes":{"back\\slash":1}})"),
            Lines{R"([notes["back\\slash"]] must be a string)"});
  EXPECT_EQ(errors(schema, R"({"notes":{"tab\there":1}})"),
            Lines{R"([notes["tab\there"]] must be a string)"});
  EXPECT_EQ(errors(schema, R"({"a.b":1})"), Lines{R"([["a.b"]] must be a string)"});
  // Spaces and other scripts need no quotes.
  EXPECT_EQ(errors(schema, R"({"notes":{"血圧 mmHg":1}})"),
            Lines{"[notes.血圧 mmHg] must be a string"});
}

// --- order ---------------------------------------------------------------------------------------

TEST(JsonSchemaOrder, ErrorsFollowTheInstanceNotTheSchema) {
  const char* schema = R"({
    "type": "object",
    "required": ["b", "d"],
    "properties": {"a": {"type": "string"}, "c": {"type": "string"},
                   "e": {"type": "object", "required": ["z"], "properties": {"y": {"type": "null"}}}},
    "allOf": [{"properties": {"aa": {"type": "string"}, "e": {"maxItems": 1, "type": "object"}}}]
  })";
  const auto all = errors(schema, R"({"e":{"y":1},"c":1,"aa":1,"a":1})");
  // Members in key order, a missing field in its place by name, whichever subschema found it.
  EXPECT_EQ(all, (Lines{"[a] must be a string", "[aa] must be a string", "[b] is required",
                        "[c] must be a string", "[d] is required", "[e.y] must be null",
                        "[e.z] is required"}));
  // validate() gives the first of them even though allOf is checked after properties.
  const auto first =
      JsonSchema(json::parse(schema)).validate(json::parse(R"({"aa":1,"b":1,"d":1})"));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(line(*first), "[aa] must be a string");
}

TEST(JsonSchemaOrder, AnErrorAboutAValueComesBeforeErrorsAboutItsItems) {
  const char* schema = R"({"items":{"type":"string"},"allOf":[{"minItems":5}]})";
  EXPECT_EQ(errors(schema, "[1,2]"), (Lines{"[] must have at least 5 items",
                                            "[[0]] must be a string", "[[1]] must be a string"}));
}

TEST(JsonSchemaOrder, ChecksOnOneValueKeepTheirOrder) {
  const char* schema = R"({
    "$defs": {"short": {"maxLength": 1}},
    "not": {"type": "string"},
    "oneOf": [{"const": 1}],
    "anyOf": [{"const": 2}],
    "allOf": [{"pattern": "^x"}],
    "$ref": "#/$defs/short",
    "minLength": 1,
    "pattern": "^z",
    "const": "x",
    "enum": ["y"]
  })";
  EXPECT_EQ(errors(schema, R"("abc")"),
            (Lines{"[] must be one of y", "[] must equal x", "[] must match the pattern ^z",
                   "[] must be at most 1 character (too_large)", "[] must match the pattern ^x",
                   "[] must match at least one of the allowed forms",
                   "[] must match exactly one of the allowed forms",
                   "[] must not match the excluded form"}));
}

TEST(JsonSchemaOrder, DoesNotDependOnHowKeysWereWritten) {
  const char* one =
      R"({"properties":{"b":{"type":"string"},"a":{"type":"string"}},"required":["z","c"]})";
  const char* two =
      R"({"required":["c","z"],"properties":{"a":{"type":"string"},"b":{"type":"string"}}})";
  const char* instance_one = R"({"b":1,"a":1})";
  const char* instance_two = R"({"a":1,"b":1})";
  const Lines expected{"[a] must be a string", "[b] must be a string", "[c] is required",
                       "[z] is required"};
  EXPECT_EQ(errors(one, instance_one), expected);
  EXPECT_EQ(errors(two, instance_two), expected);
  EXPECT_EQ(errors(one, instance_two), expected);
}

// --- combinators ---------------------------------------------------------------------------------

TEST(JsonSchemaCombinators, AllOfReportsEveryBranch) {
  const char* schema = R"({"allOf":[{"type":"string"},{"maxLength":2},{"pattern":"^a"}]})";
  EXPECT_TRUE(valid(schema, R"("ab")"));
  EXPECT_EQ(errors(schema, R"("bcd")"),
            (Lines{"[] must be at most 2 characters (too_large)", "[] must match the pattern ^a"}));
}

TEST(JsonSchemaCombinators, AnyOfNeedsOneBranch) {
  const char* schema = R"({"anyOf":[{"type":"string","maxLength":2},{"type":"null"}]})";
  EXPECT_TRUE(valid(schema, R"("ab")"));
  EXPECT_TRUE(valid(schema, "null"));
  EXPECT_EQ(errors(schema, "1"), Lines{"[] must match at least one of the allowed forms"});
  EXPECT_EQ(errors(schema, R"("abc")"), Lines{"[] must match at least one of the allowed forms"});
}

TEST(JsonSchemaCombinators, OneOfNeedsExactlyOneBranch) {
  const char* schema = R"({"oneOf":[{"type":"integer"},{"minimum":2}]})";
  EXPECT_TRUE(valid(schema, "1"));
  EXPECT_TRUE(valid(schema, "2.5"));
  EXPECT_EQ(errors(schema, "3"), Lines{"[] must match exactly one of the allowed forms"});
  EXPECT_EQ(errors(schema, "1.5"), Lines{"[] must match exactly one of the allowed forms"});
}

TEST(JsonSchemaCombinators, Not) {
  EXPECT_TRUE(valid(R"({"not":{"type":"null"}})", "1"));
  EXPECT_EQ(errors(R"({"not":{"type":"null"}})", "null"),
            Lines{"[] must not match the excluded form"});
}

TEST(JsonSchemaCombinators, IfThenElse) {
  const char* schema = R"({
    "if": {"required": ["intention_basis"],
           "properties": {"intention_basis": {"const": "estimated_by_family"}}},
    "then": {"required": ["surrogate"]},
    "else": {"properties": {"surrogate": false}}
  })";
  EXPECT_TRUE(valid(schema, R"({"intention_basis":"estimated_by_family","surrogate":{}})"));
  EXPECT_EQ(errors(schema, R"({"intention_basis":"estimated_by_family"})"),
            Lines{"[surrogate] is required"});
  EXPECT_TRUE(valid(schema, R"({"intention_basis":"patient_expressed"})"));
  EXPECT_EQ(errors(schema, R"({"surrogate":1})"), Lines{"[surrogate] is not allowed"});
  // Without then and else, if changes nothing; then and else without if are ignored.
  EXPECT_TRUE(valid(R"({"if":false})", "1"));
  EXPECT_TRUE(valid(R"({"then":false,"else":false})", "1"));
}

TEST(JsonSchemaCombinators, BooleanSchemas) {
  EXPECT_TRUE(JsonSchema(json(true)).matches(json::parse(R"({"any":[1]})")));
  EXPECT_EQ(errors(JsonSchema(json(false)), json(1)), Lines{"[] is not allowed"});
  EXPECT_TRUE(valid("{}", "[1,{}]"));
}

// --- $ref ----------------------------------------------------------------------------------------

TEST(JsonSchemaRef, DefsAndDefinitions) {
  const char* schema = R"({
    "$defs": {"date": {"type": "string", "format": "date"}},
    "definitions": {"name": {"type": "string", "maxLength": 3}},
    "properties": {"born": {"$ref": "#/$defs/date", "title": "生年月日"},
                   "name": {"$ref": "#/definitions/name"}}
  })";
  EXPECT_TRUE(valid(schema, R"({"born":"1940-01-02","name":"abc"})"));
  EXPECT_EQ(errors(schema, R"({"born":"1940-02-30","name":"abcd"})"),
            (Lines{"[born] is not a valid date (YYYY-MM-DD)",
                   "[name] must be at most 3 characters (too_large)"}));
}

TEST(JsonSchemaRef, AnyPointerToASubschemaWorks) {
  const char* schema = R"({
    "properties": {"a": {"type": "integer"}, "b": {"$ref": "#/properties/a"},
                   "c": {"items": {"$ref": "#/properties/d/allOf/1"}},
                   "d": {"allOf": [true, {"type": "null"}]}}
  })";
  EXPECT_EQ(errors(schema, R"({"b":"x","c":[null,1]})"),
            (Lines{"[b] must be an integer", "[c[1]] must be null"}));
}

TEST(JsonSchemaRef, PointerEscapesAreUnderstood) {
  const char* schema = R"({
    "$defs": {"tilde~field": {"type": "integer"}, "slash/field": {"type": "integer"},
              "percent%field": {"type": "integer"}, "space field": {"type": "integer"}},
    "properties": {"t": {"$ref": "#/$defs/tilde~0field"}, "s": {"$ref": "#/$defs/slash~1field"},
                   "p": {"$ref": "#/$defs/percent%25field"}, "w": {"$ref": "#/$defs/space%20field"}}
  })";
  EXPECT_TRUE(valid(schema, R"({"t":1,"s":2,"p":3,"w":4})"));
  EXPECT_EQ(errors(schema, R"({"t":"x","s":"x","p":"x","w":"x"})"),
            (Lines{"[p] must be an integer", "[s] must be an integer", "[t] must be an integer",
                   "[w] must be an integer"}));
}

TEST(JsonSchemaRef, RecursionThroughTheInstance) {
  const char* schema = R"({
    "type": "object",
    "properties": {"name": {"type": "string"}, "children": {"items": {"$ref": "#"}}},
    "additionalProperties": false
  })";
  EXPECT_TRUE(valid(schema, R"({"name":"a","children":[{"name":"b","children":[{}]}]})"));
  EXPECT_EQ(errors(schema, R"({"children":[{"children":[{"name":1,"x":0}]}]})"),
            (Lines{"[children[0].children[0].name] must be a string",
                   "[children[0].children[0].x] is not allowed (unknown field)"}));
}

TEST(JsonSchemaRef, SiblingsApplyIn2020_12) {
  const char* schema = R"({"$defs":{"text":{"type":"string"}},
                           "properties":{"a":{"$ref":"#/$defs/text","maxLength":2}}})";
  EXPECT_EQ(errors(schema, R"({"a":"abc"})"),
            Lines{"[a] must be at most 2 characters (too_large)"});
  EXPECT_EQ(errors(schema, R"({"a":1})"), Lines{"[a] must be a string"});
}

TEST(JsonSchemaRef, RefOverridesSiblingsInDraft7) {
  const json schema = json::parse(R"({"$defs":{"text":{"type":"string"}},
                                       "properties":{"a":{"$ref":"#/$defs/text","maxLength":2}}})");
  const json long_text = json::parse(R"({"a":"abc"})");
  EXPECT_TRUE(JsonSchema(schema, JsonSchema::Dialect::draft7).matches(long_text));
  EXPECT_FALSE(JsonSchema(schema, JsonSchema::Dialect::draft7).matches(json::parse(R"({"a":1})")));
  EXPECT_FALSE(JsonSchema(schema, JsonSchema::Dialect::draft2020_12).matches(long_text));
  EXPECT_FALSE(JsonSchema(schema).matches(long_text));  // no $schema: 2020-12

  for (const char* uri :
       {"http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-04/schema#", "https://json-schema.org/draft-07/schema"}) {
    json draft7 = schema;
    draft7["$schema"] = uri;
    EXPECT_TRUE(JsonSchema(draft7).matches(long_text)) << uri;
    EXPECT_FALSE(JsonSchema(draft7, JsonSchema::Dialect::draft2020_12).matches(long_text)) << uri;
  }
  json modern = schema;
  modern["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  EXPECT_FALSE(JsonSchema(modern).matches(long_text));
  EXPECT_TRUE(JsonSchema(modern, JsonSchema::Dialect::draft7).matches(long_text));
}

TEST(JsonSchemaRef, Draft7StillRefusesABadSibling) {
  EXPECT_EQ(compile_error(json::parse(R"({"$defs":{"a":true},"$ref":"#/$defs/a","maxlength":2})"),
                          JsonSchema::Dialect::draft7),
            "unsupported keyword \"maxlength\" at #");
}

// --- annotations ---------------------------------------------------------------------------------

TEST(JsonSchemaAnnotations, AreAcceptedAndIgnored) {
  const char* schema = R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "musubi:template:acp_decision",
    "$comment": "c", "title": "t", "description": "d", "examples": [1], "default": 2,
    "readOnly": true, "writeOnly": false, "deprecated": false, "$anchor": "top",
    "x-label-en": "Label", "x-enum-labels": {"a": {"ja": "あ"}}, "x-version": 1,
    "properties": {"a": {"$id": "#a", "title": "A", "type": "string"}}
  })";
  EXPECT_EQ(compile_error(schema), "");
  EXPECT_TRUE(valid(schema, R"({"a":"x"})"));
  EXPECT_FALSE(valid(schema, R"({"a":1})"));
}

// --- compile errors ------------------------------------------------------------------------------

TEST(JsonSchemaCompile, UnsupportedOrMisspeltKeywords) {
  EXPECT_EQ(compile_error(R"({"properties":{"contacts":{"patternProperties":{}}}})"),
            "unsupported keyword \"patternProperties\" at #/properties/contacts");
  EXPECT_EQ(compile_error(R"({"maxlength":3})"), "unsupported keyword \"maxlength\" at #");
  EXPECT_EQ(compile_error(R"({"items":{"anyOf":[{"contains":true}]}})"),
            "unsupported keyword \"contains\" at #/items/anyOf/0");
  EXPECT_EQ(compile_error(R"({"$defs":{"a/b":{"prefixItems":[]}}})"),
            "unsupported keyword \"prefixItems\" at #/$defs/a~1b");
}

TEST(JsonSchemaCompile, KeywordsWithValuesOfTheWrongShape) {
  EXPECT_EQ(compile_error(R"({"type":"text"})"),
            "\"type\" must be one of null, boolean, object, array, number, string, integer, or "
            "an array of them at #");
  EXPECT_EQ(compile_error(R"({"minLength":-1})"),
            "\"minLength\" must be a non-negative integer at #");
  EXPECT_EQ(compile_error(R"({"maxItems":1.5})"),
            "\"maxItems\" must be a non-negative integer at #");
  EXPECT_EQ(compile_error(R"({"maxItems":2.0})"), "");
  EXPECT_EQ(compile_error(R"({"required":"a"})"), "\"required\" must be an array of strings at #");
  EXPECT_EQ(compile_error(R"({"multipleOf":0})"), "\"multipleOf\" must be positive at #");
  EXPECT_EQ(compile_error(R"({"minimum":"1"})"), "\"minimum\" must be a number at #");
  EXPECT_EQ(compile_error(R"({"exclusiveMinimum":true})"),
            "\"exclusiveMinimum\" must be a number at #");
  EXPECT_EQ(compile_error(R"({"anyOf":[]})"),
            "\"anyOf\" must be a non-empty array of schemas at #");
  EXPECT_EQ(compile_error(R"({"properties":{"a":1}})"),
            "a schema must be an object or a boolean at #/properties/a");
  EXPECT_EQ(compile_error(R"({"enum":"a"})"), "\"enum\" must be an array at #");
  EXPECT_EQ(compile_error(R"({"uniqueItems":1})"), "\"uniqueItems\" must be a boolean at #");
  EXPECT_EQ(compile_error(R"({"$ref":1})"), "\"$ref\" must be a string at #");
}

TEST(JsonSchemaCompile, PatternsStdRegexCannotCompile) {
  EXPECT_EQ(compile_error(R"({"properties":{"a":{"pattern":"([a-z]"}}})")
                .rfind("pattern \"([a-z]\" is not a valid regular expression (", 0),
            0u);
  EXPECT_NE(compile_error(R"({"pattern":"a{2,1}"})"), "");
  EXPECT_EQ(compile_error(R"({"pattern":"(a)\\1"})"),
            "unsupported back-references in pattern \"(a)\\\\1\" at #");
  EXPECT_EQ(compile_error(R"({"pattern":"\\p{L}"})"),
            "unsupported Unicode property escapes (\\p) in pattern \"\\\\p{L}\" at #");
  EXPECT_EQ(compile_error(R"({"pattern":"[\\1]"})").find("back-references"), std::string::npos);
}

TEST(JsonSchemaCompile, UnknownFormats) {
  EXPECT_EQ(compile_error(R"({"format":"email"})"), "unsupported format \"email\" at #");
  EXPECT_EQ(compile_error(R"({"format":"Date"})"), "unsupported format \"Date\" at #");
}

TEST(JsonSchemaCompile, RefsThatLeaveTheDocumentOrPointNowhere) {
  EXPECT_EQ(compile_error(R"({"properties":{"a":{"$ref":"#/$defs/missing"}}})"),
            "$ref \"#/$defs/missing\" points at no subschema at #/properties/a");
  EXPECT_EQ(compile_error(R"({"$defs":{"a":true},"$ref":"#/$defs"})"),
            "$ref \"#/$defs\" points at no subschema at #");
  EXPECT_EQ(compile_error(R"({"enum":[{"type":"string"}],"$ref":"#/enum/0"})"),
            "$ref \"#/enum/0\" points at no subschema at #");
  EXPECT_EQ(compile_error(R"({"$ref":"common.json#/$defs/name"})"),
            "unsupported $ref \"common.json#/$defs/name\" that leaves the document at #");
  EXPECT_EQ(
      compile_error(R"({"$ref":"#name"})"),
      "unsupported $ref \"#name\" (only \"#\" and JSON pointers \"#/...\" are supported) at #");
  EXPECT_NE(compile_error(R"({"$defs":{"a":true},"$ref":"#/$defs/~2"})"), "");
  EXPECT_NE(compile_error(R"({"$defs":{"a":true},"$ref":"#/$defs/%zz"})"), "");
}

TEST(JsonSchemaCompile, IdsThatChangeTheBaseUri) {
  EXPECT_EQ(compile_error(R"({"$id":"https://example.com/root.json"})"), "");
  EXPECT_EQ(compile_error(R"({"$defs":{"a":{"$id":"other.json"}}})"),
            "unsupported \"$id\" that changes the base URI (only \"#name\" is allowed inside a "
            "schema) at #/$defs/a");
}

TEST(JsonSchemaCompile, RefCyclesThatNeverDescend) {
  EXPECT_EQ(compile_error(R"({"$ref":"#"})"),
            "$ref cycle that never descends into the instance at #");
  EXPECT_EQ(compile_error(R"({"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}})")
                .rfind("$ref cycle that never descends into the instance at #/$defs/", 0),
            0u);
  EXPECT_EQ(compile_error(R"({"anyOf":[{"not":{"$ref":"#"}}]})"),
            "$ref cycle that never descends into the instance at #/anyOf/0/not");
  // Descending into a property, an item or an additional property breaks the cycle.
  EXPECT_EQ(compile_error(R"({"properties":{"a":{"$ref":"#"}}})"), "");
  EXPECT_EQ(compile_error(R"({"items":{"$ref":"#"}})"), "");
  EXPECT_EQ(compile_error(R"({"additionalProperties":{"allOf":[{"$ref":"#"}]}})"), "");
}

TEST(JsonSchemaCompile, SubschemasNestedTooDeeply) {
  json ok = json::object();
  for (std::size_t i = 0; i < JsonSchema::kMaxDepth; ++i)
    ok = json{{"items", ok}};
  EXPECT_EQ(compile_error(ok), "");
  const json deep = json{{"not", ok}};
  EXPECT_EQ(compile_error(deep).rfind("subschemas nested too deeply at #/not/items/items/", 0), 0u);
}

// --- kMaxDepth on instances ----------------------------------------------------------------------

// `levels` arrays, each holding the next: [[[...]]].
json nested_arrays(std::size_t levels) {
  json value = json::array();
  for (std::size_t i = 1; i < levels; ++i) {
    json outer = json::array();
    outer.push_back(std::move(value));
    value = std::move(outer);
  }
  return value;
}

TEST(JsonSchemaDepth, FollowsAtMostMaxDepthLevelsIntoAnInstance) {
  const JsonSchema schema(json::parse(R"({"type":"array","items":{"$ref":"#"}})"));
  EXPECT_TRUE(schema.matches(nested_arrays(JsonSchema::kMaxDepth)));
  std::string path;
  for (std::size_t i = 0; i < JsonSchema::kMaxDepth; ++i)
    path += "[0]";
  EXPECT_EQ(errors(schema, nested_arrays(JsonSchema::kMaxDepth + 1)),
            Lines{"[" + path + "] is nested too deeply"});
  // A very deep instance costs no more than a just-too-deep one.
  EXPECT_EQ(errors(schema, nested_arrays(10'000)), Lines{"[" + path + "] is nested too deeply"});
}

TEST(JsonSchemaDepth, ObjectsCountToo) {
  const JsonSchema schema(json::parse(R"({"additionalProperties":{"$ref":"#"}})"));
  json value = json::object();
  for (std::size_t i = 1; i < JsonSchema::kMaxDepth; ++i)
    value = json{{"k", value}};
  EXPECT_TRUE(schema.matches(value));
  EXPECT_FALSE(schema.matches(json{{"k", value}}));
}

TEST(JsonSchemaDepth, UniqueItemsDoesNotCompareTooDeeply) {
  const JsonSchema schema(json::parse(R"({"uniqueItems":true})"));
  EXPECT_TRUE(schema.matches(json::array({nested_arrays(JsonSchema::kMaxDepth - 1), 1})));
  EXPECT_EQ(errors(schema, json::array({nested_arrays(JsonSchema::kMaxDepth), 1})),
            Lines{"[] is nested too deeply"});
}

// --- validate_all, validate, matches
// --------------------------------------------------------------

TEST(JsonSchemaValidateAll, ReportsAtMostTheFirstMaxErrors) {
  const JsonSchema schema(json::parse(R"({"items":{"type":"string"}})"));
  const json instance = json(std::vector<int>(150, 0));
  const auto all = schema.validate_all(instance);
  ASSERT_EQ(all.size(), JsonSchema::kMaxErrors);
  EXPECT_EQ(all.front().path, "[0]");
  EXPECT_EQ(all.back().path, "[99]");
  const auto three = schema.validate_all(instance, 3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[2].path, "[2]");
  EXPECT_TRUE(schema.validate_all(instance, 0).empty());
  EXPECT_EQ(schema.validate_all(instance, 1000).size(), 150u);
}

TEST(JsonSchemaValidateAll, TheLimitKeepsTheFirstInDocumentOrderNotTheFirstFound) {
  // allOf is checked after properties, but its error comes first in the document.
  const JsonSchema schema(json::parse(
      R"({"properties":{"b":{"type":"string"}},"allOf":[{"properties":{"a":{"type":"string"}}}]})"));
  const auto one = schema.validate_all(json::parse(R"({"a":1,"b":1})"), 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], (SchemaError{"a", "must be a string", false}));
}

TEST(JsonSchemaValidate, ReturnsNothingForAMatch) {
  const JsonSchema schema(json::parse(R"({"type":"object","required":["a"]})"));
  EXPECT_EQ(schema.validate(json::parse(R"({"a":null})")), std::nullopt);
  EXPECT_EQ(schema.validate(json::parse("{}")), (SchemaError{"a", "is required", false}));
}

TEST(JsonSchemaMatches, AgreesWithValidate) {
  const JsonSchema schema(json::parse(
      R"({"properties":{"a":{"anyOf":[{"type":"string"},{"type":"null"}]}},"required":["a"]})"));
  EXPECT_TRUE(schema.matches(json::parse(R"({"a":"x"})")));
  EXPECT_TRUE(schema.matches(json::parse(R"({"a":null})")));
  EXPECT_FALSE(schema.matches(json::parse(R"({"a":1})")));
  EXPECT_FALSE(schema.matches(json::parse("{}")));
}

TEST(JsonSchemaCopies, ShareTheCompiledForm) {
  const JsonSchema original(json::parse(R"({"type":"string"})"));
  const JsonSchema copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_TRUE(copy.matches(json("x")));
  EXPECT_FALSE(copy.matches(json(1)));
}

// --- messages ------------------------------------------------------------------------------------

TEST(JsonSchemaMessages, NeverRepeatTheInstance) {
  const JsonSchema schema(json::parse(R"({
    "type": "object",
    "properties": {
      "a": {"type": "integer"}, "b": {"enum": ["x"]}, "c": {"const": "x"}, "d": {"maxLength": 2},
      "e": {"pattern": "^x$"}, "f": {"format": "date"}, "g": {"maximum": 1},
      "h": {"multipleOf": 7}, "i": {"uniqueItems": true}, "j": {"not": {}}, "k": {"anyOf": [false]}
    },
    "additionalProperties": false
  })"));
  const std::string secret = "SECRET-9999";
  const json instance = {{"a", secret},           {"b", secret}, {"c", secret}, {"d", secret},
                         {"e", secret},           {"f", secret}, {"g", 9999},   {"h", 9999},
                         {"i", {secret, secret}}, {"j", secret}, {"k", secret}};
  const auto all = schema.validate_all(instance);
  EXPECT_EQ(all.size(), instance.size());
  for (const auto& e : all) {
    EXPECT_EQ(e.message.find("SECRET"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("9999"), std::string::npos) << e.message;
  }
}

}  // namespace
}  // namespace musubi::protocol
