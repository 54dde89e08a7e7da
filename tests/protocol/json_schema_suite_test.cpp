// Runs the official JSON-Schema-Test-Suite (Debian package json-schema-test-suite) against
// JsonSchema, for the draft-7 keyword files whose keywords it supports.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/json_schema.hpp"

namespace musubi::protocol {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSuiteDir = "/usr/share/json-schema-test-suite/tests/draft7";

// The keyword files for what the header says JsonSchema supports.
const char* const kKeywordFiles[] = {
    "type.json",
    "enum.json",
    "const.json",
    "properties.json",
    "required.json",
    "additionalProperties.json",
    "items.json",
    "minItems.json",
    "maxItems.json",
    "uniqueItems.json",
    "minLength.json",
    "maxLength.json",
    "pattern.json",
    "minimum.json",
    "maximum.json",
    "exclusiveMinimum.json",
    "exclusiveMaximum.json",
    "multipleOf.json",
    "allOf.json",
    "anyOf.json",
    "oneOf.json",
    "not.json",
    "if-then-else.json",
    "ref.json",
    "boolean_schema.json",
    "definitions.json",
    "default.json",
};

// The formats it checks; these files are optional in the suite and run when present.
const char* const kFormatFiles[] = {
    "optional/format/date.json",
    "optional/format/date-time.json",
    "optional/format/time.json",
};

// Cases whose expected result disagrees on purpose with a choice the header documents. Each is
// "file / group description / case description", with the reason.
const std::map<std::string, std::string> kDeliberateDisagreements = {
    // None in the packaged suite (2.0.0) so far. Candidates from newer releases of the suite:
    //   type.json "a float with zero fractional part is an integer" agrees (1.0 is an integer).
    //   date-time.json / time.json leap seconds (":60") are valid in RFC 3339; the header refuses
    //   them.  time.json "no time offset" is invalid in RFC 3339; the header accepts "14:30:00".
};

// Why JsonSchema must refuse `schema`, going by the header's list of what it supports (not by
// asking the validator), or "" when it must accept it.
std::string unsupported_feature(const json& schema, bool at_root = true) {
  static const std::set<std::string, std::less<>> kKeywords = {
      "type", "enum", "const", "properties", "required", "additionalProperties", "items",
      "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum",
      "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format", "allOf", "anyOf",
      "oneOf", "not", "if", "then", "else", "$ref", "$defs", "definitions",
      // Annotations.
      "title", "description", "examples", "default", "$schema", "$id", "$anchor", "$comment",
      "readOnly", "writeOnly", "deprecated"};
  static const std::set<std::string, std::less<>> kFormats = {"date", "date-time", "time"};
  if (!schema.is_object()) return "";
  for (const auto& [key, value] : schema.items()) {
    if (!kKeywords.contains(key) && !key.starts_with("x-")) return "keyword \"" + key + "\"";
    if (key == "items" && value.is_array()) return "tuple form of \"items\"";
    if (key == "format" && value.is_string() && !kFormats.contains(value.get<std::string>())) {
      return "format \"" + value.get<std::string>() + "\"";
    }
    if (key == "$ref" && value.is_string()) {
      const auto ref = value.get<std::string>();
      if (!ref.starts_with("#")) return "remote $ref";
      if (ref != "#" && !ref.starts_with("#/")) return "$ref to a plain-name fragment";
    }
    if (key == "$id" && !at_root && value.is_string() &&
        !value.get<std::string>().starts_with("#")) {
      return "$id that changes the base URI";
    }
    std::string found;
    if (key == "properties" || key == "$defs" || key == "definitions" || key == "allOf" ||
        key == "anyOf" || key == "oneOf") {
      if (value.is_structured()) {
        for (const auto& sub : value) {
          if (found.empty()) found = unsupported_feature(sub, false);
        }
      }
    } else if (key == "items" || key == "additionalProperties" || key == "not" || key == "if" ||
               key == "then" || key == "else") {
      found = unsupported_feature(value, false);
    }
    if (!found.empty()) return found;
  }
  return "";
}

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

class JsonSchemaTestSuite : public testing::TestWithParam<const char*> {};

TEST(JsonSchemaTestSuiteFiles, ThePackagedSuiteIsInstalled) {
  // Without the suite these tests would pass by running nothing: refuse that.
  ASSERT_TRUE(fs::is_directory(kSuiteDir))
      << kSuiteDir << " is missing: install the Debian package json-schema-test-suite "
      << "(scripts/install-dependencies)";
  for (const char* file : kKeywordFiles) {
    EXPECT_TRUE(fs::is_regular_file(kSuiteDir / file)) << file;
  }
}

TEST_P(JsonSchemaTestSuite, CasesAgree) {
  const fs::path path = kSuiteDir / GetParam();
  ASSERT_TRUE(fs::is_directory(kSuiteDir)) << kSuiteDir << " is missing";
  if (!fs::exists(path) && std::string_view(GetParam()).starts_with("optional/")) {
    GTEST_SKIP() << path << " is not in this release of the suite";
  }
  ASSERT_TRUE(fs::is_regular_file(path)) << path;

  std::size_t ran = 0;
  std::map<std::string, std::size_t> skipped;  // reason -> cases
  std::set<std::string> disagreements_seen;
  for (const auto& group : read_json(path)) {
    const std::string group_name = group.at("description").get<std::string>();
    const json& schema = group.at("schema");
    std::optional<JsonSchema> compiled;
    try {
      compiled.emplace(schema, JsonSchema::Dialect::draft7);
    } catch (const std::invalid_argument& e) {
      const std::string feature = unsupported_feature(schema);
      if (feature.empty()) {
        ADD_FAILURE() << group_name << ": refused a schema it should support: " << e.what();
      } else {
        skipped["schema uses unsupported " + feature] += group.at("tests").size();
      }
      continue;
    }
    for (const auto& test : group.at("tests")) {
      const std::string name = group_name + " / " + test.at("description").get<std::string>();
      if (const std::string key = std::string(GetParam()) + " / " + name;
          kDeliberateDisagreements.contains(key)) {
        disagreements_seen.insert(key);
        ++skipped["deliberate disagreement"];
        continue;
      }
      const json& data = test.at("data");
      const bool expected = test.at("valid").get<bool>();
      ++ran;
      EXPECT_EQ(compiled->matches(data), expected) << name << "\n  data: " << data.dump();
      EXPECT_EQ(compiled->validate(data).has_value(), !expected) << name;
      EXPECT_EQ(compiled->validate_all(data).empty(), expected) << name;
    }
  }

  // A listed case that no longer exists would hide nothing: the list must be kept current.
  for (const auto& [key, reason] : kDeliberateDisagreements) {
    if (key.starts_with(std::string(GetParam()) + " / ")) {
      EXPECT_TRUE(disagreements_seen.contains(key)) << "stale entry in the skip list: " << key;
    }
  }

  std::string summary = std::to_string(ran) + " run";
  for (const auto& [reason, count] : skipped) {
    summary += ", " + std::to_string(count) + " skipped (" + reason + ")";
  }
  RecordProperty("cases", summary);
  std::cout << "[ suite    ] " << GetParam() << ": " << summary << "\n";
}

std::string file_test_name(const testing::TestParamInfo<const char*>& info) {
  std::string name = info.param;
  if (name.starts_with("optional/format/")) name = "format_" + name.substr(16);
  name = name.substr(0, name.size() - std::string_view(".json").size());
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Keywords, JsonSchemaTestSuite, testing::ValuesIn(kKeywordFiles),
                         file_test_name);
INSTANTIATE_TEST_SUITE_P(Formats, JsonSchemaTestSuite, testing::ValuesIn(kFormatFiles),
                         file_test_name);

}  // namespace
}  // namespace musubi::protocol
