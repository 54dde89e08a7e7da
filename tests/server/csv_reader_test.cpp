#include "server/csv_reader.hpp"

#include <gtest/gtest.h>

namespace musubi::server {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> read_ok(std::string_view text) {
  auto result = read_csv(text);
  if (const auto* error = std::get_if<CsvError>(&result)) {
    ADD_FAILURE() << "line " << error->line << ": " << error->message;
    return {};
  }
  return std::get<std::vector<CsvRecord>>(result);
}

CsvError read_error(std::string_view text) {
  auto result = read_csv(text);
  if (const auto* error = std::get_if<CsvError>(&result)) return *error;
  ADD_FAILURE() << "read without error";
  return {};
}

TEST(CsvReader, PlainRecordsWithLineNumbers) {
  const auto records = read_ok("a,b,c\n1,2,3\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReader, CrLfAndNoFinalLineBreak) {
  const auto records = read_ok("a,b\r\n1,2\r\n3,4");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(records[2].fields, (Fields{"3", "4"}));
  EXPECT_EQ(records[2].line, 3u);
}

TEST(CsvReader, EmptyFieldsAreKept) {
  const auto records = read_ok(",a,,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"", "a", "", ""}));
}

TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const auto records =
      read_ok("name,address\n\"佐藤, 花子\",\"柏市\n柏1-1\"\n\"He said \"\"hi\"\"\",\"\"\nx,y\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].fields, (Fields{"佐藤, 花子", "柏市\n柏1-1"}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].fields, (Fields{"He said \"hi\"", ""}));
  EXPECT_EQ(records[2].line, 4u);  // the record before spans lines 2 and 3
  EXPECT_EQ(records[3].line, 5u);
}

TEST(CsvReader, CrLfInsideQuotesIsKept) {
  const auto records = read_ok("\"a\r\nb\",c\r\nd,e\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a\r\nb", "c"}));
  EXPECT_EQ(records[1].line, 3u);
}

TEST(CsvReader, ByteOrderMarkIsSkipped) {
  const auto records = read_ok(
      "\xEF\xBB\xBF"
      "code,name\nx,y\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"code", "name"}));
}

TEST(CsvReader, BlankLinesAreSkippedButCounted) {
  const auto records = read_ok("a,b\n\n1,2\n\r\n\n3,4\n\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].line, 3u);
  EXPECT_EQ(records[2].line, 6u);
}

TEST(CsvReader, SpacesArePartOfFields) {
  const auto records = read_ok(" a , b \n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{" a ", " b "}));
}

TEST(CsvReader, EmptyTextHasNoRecords) {
  EXPECT_TRUE(read_ok("").empty());
  EXPECT_TRUE(read_ok("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(read_ok("\n\n").empty());
}

TEST(CsvReader, QuoteLeftOpenNamesTheLineWhereItOpened) {
  const auto e = read_error("a,b\n1,\"never\nclosed\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.message, "a quoted field is never closed");
}

TEST(CsvReader, QuoteInsideAnUnquotedField) {
  const auto e = read_error("a,b\nx,5\"3\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_NE(e.message.find("quote inside an unquoted field"), std::string::npos);
}

TEST(CsvReader, TextAfterAClosingQuote) {
  const auto e = read_error("a,b\n\n\"x\"y,z\n");
  EXPECT_EQ(e.line, 3u);
  EXPECT_NE(e.message.find("closing quote"), std::string::npos);
}

TEST(CsvReader, ShiftJisIsRefusedWithItsLine) {
  // "柏市" in Shift_JIS.
  const auto e = read_error("code,name\nx,\x92\x5F\x8E\x73\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_NE(e.message.find("UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace musubi::server
