#include "protocol/json_text.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace musubi::protocol {
namespace {

using nlohmann::json;

// What nlohmann's own dump() writes, with the same handling of invalid UTF-8.
std::string reference(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(JsonText, DumpWritesWhatNlohmannWrites) {
  const json values[] = {
      nullptr,
      true,
      -7,
      18446744073709551615ULL,
      2.5,
      "",
      "訪問看護 \"早朝\"\n\t\\",
      json::array({1, "two", nullptr, json::object()}),
      json{{"text", "バイタル安定"}, {"seq", 3}, {"notified", json::array({"a", "b"})}},
  };
  for (const auto& value : values)
    EXPECT_EQ(dump(value), reference(value)) << reference(value);
}

TEST(JsonText, InvalidUtf8IsReplacedNotThrown) {
  const json value = std::string("ok \xff\xfe end");
  EXPECT_EQ(dump(value), reference(value));
  EXPECT_NE(dump(value).find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

TEST(JsonText, AppendJsonAddsToWhatIsThere) {
  std::string out = "prefix:";
  append_json(out, json{{"a", 1}});
  append_json(out, json::array({true}));
  EXPECT_EQ(out, R"(prefix:{"a":1}[true])");
}

TEST(JsonText, AppendJsonStringEscapesAsAJsonStringWould) {
  const std::string texts[] = {
      "",
      "plain ascii 123",
      R"(quote " and backslash \)",
      "control \x01 \x1f and newline \n",
      "田中 花子",
      "tab\there",
      std::string("bad \xc3\x28 utf-8"),
      "delete \x7f kept",
  };
  for (const auto& text : texts) {
    std::string out = "[";
    append_json_string(out, text);
    EXPECT_EQ(out, "[" + reference(json(text))) << text;
  }
}

TEST(JsonText, ALargeValueDoesNotSpoilTheNextOne) {
  // Past the size a thread keeps its scratch text at, the text is let go; the next dump must
  // still be exact.
  const json big = std::string(std::size_t{200} * 1024, 'x');
  EXPECT_EQ(dump(big).size(), std::size_t{200} * 1024 + 2);
  EXPECT_EQ(dump(json{{"k", "v"}}), R"({"k":"v"})");
  std::string out;
  append_json_string(out, std::string(std::size_t{70} * 1024, 'y') + "\n");
  EXPECT_EQ(out, reference(json(std::string(std::size_t{70} * 1024, 'y') + "\n")));
  EXPECT_EQ(dump("short"), R"("short")");
}

}  // namespace
}  // namespace musubi::protocol
