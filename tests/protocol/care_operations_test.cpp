#include "protocol/care_operations.hpp"

#include <gtest/gtest.h>

namespace musubi::protocol {
namespace {

using nlohmann::json;

template <class T>
std::optional<FieldError> parse_into(const json& body, T& out) {
  return parse(body, BodyLimits{}, out);
}

json patient_body() {
  return {{"name", "佐藤 一郎"}, {"kana", "サトウ イチロウ"}, {"birth_date", "1938-02-11"},
          {"sex", "male"},       {"municipality", "柏市"},    {"address", "柏市柏1-2-3"}};
}

TEST(ParseRegisterPatient, ReadsEveryField) {
  RegisterPatient p;
  ASSERT_EQ(parse_into(patient_body(), p), std::nullopt);
  EXPECT_EQ(p.name, "佐藤 一郎");
  EXPECT_EQ(p.birth_date, "1938-02-11");
  EXPECT_EQ(p.sex, "male");
  EXPECT_EQ(p.municipality, "柏市");
}

TEST(ParseRegisterPatient, DatesMustExist) {
  RegisterPatient p;
  for (const char* bad : {"1938-02-30", "1938-13-01", "1938/02/11", "19380211ab"}) {
    auto body = patient_body();
    body["birth_date"] = bad;
    const auto e = parse_into(body, p);
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ(e->code, Errc::invalid_request) << bad;
    EXPECT_EQ(e->message, "body.birth_date: must be a date YYYY-MM-DD") << bad;
  }
}

TEST(ParseRegisterPatient, DatesAreExactlyTenCharacters) {
  RegisterPatient p;
  for (const char* shorter : {"1938-2-1", "19380211", ""}) {
    auto body = patient_body();
    body["birth_date"] = shorter;
    const auto e = parse_into(body, p);
    ASSERT_TRUE(e) << shorter;
    EXPECT_EQ(e->code, Errc::invalid_request) << shorter;
    EXPECT_EQ(e->message, "body.birth_date: must have at least 10 characters") << shorter;
  }
  auto body = patient_body();
  body["birth_date"] = "1938-02-11T00:00";
  const auto e = parse_into(body, p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Errc::too_large);
}

TEST(ParseRegisterPatient, NamesAndAddressesAreOneLine) {
  RegisterPatient p;
  for (const char* field : {"name", "kana", "municipality", "address"}) {
    auto body = patient_body();
    body[field] = "佐藤\n一郎";
    const auto e = parse_into(body, p);
    ASSERT_TRUE(e) << field;
    EXPECT_EQ(e->code, Errc::invalid_request) << field;
    EXPECT_EQ(e->message, "body." + std::string(field) + ": control characters");
  }
}

TEST(ParseRegisterPatient, SexIsOneOfTheCodes) {
  RegisterPatient p;
  auto body = patient_body();
  body["sex"] = "M";
  const auto e = parse_into(body, p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "body.sex: must be one of female, male, other, unknown");
}

TEST(ParseFileRequest, TeamIsAListOfLogins) {
  FileRequest f;
  ASSERT_EQ(parse_into(json{{"patient", "p1"}, {"physician", "dr"}, {"team", {"vn", "pharm"}}}, f),
            std::nullopt);
  EXPECT_EQ(f.team, (std::vector<std::string>{"vn", "pharm"}));
  ASSERT_EQ(parse_into(json{{"patient", "p1"}, {"physician", "dr"}}, f), std::nullopt);
  EXPECT_TRUE(f.team.empty());
  const auto e = parse_into(json{{"patient", "p1"}, {"physician", "dr"}, {"team", {"vn", 3}}}, f);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "body.team[1]: expected a string of 1-64 characters");
}

TEST(ParseActOnRequest, ActionsAreTheStateMachines) {
  ActOnRequest a;
  ASSERT_EQ(parse_into(json{{"request", "q1"}, {"action", "accept"}}, a), std::nullopt);
  EXPECT_EQ(a.action, "accept");
  EXPECT_EQ(parse_into(json{{"request", "q1"}, {"action", "approve"}}, a)->code,
            Errc::invalid_request);
}

TEST(ParseActOnRequest, NamingActionsNeedALogin) {
  ActOnRequest a;
  for (const char* action : {"ask_stand_in", "add_team_member"}) {
    const auto e = parse_into(json{{"request", "q1"}, {"action", action}}, a);
    ASSERT_TRUE(e) << action;
    EXPECT_EQ(e->message, std::string("body.login: required for ") + action);
    EXPECT_EQ(parse_into(json{{"request", "q1"}, {"action", action}, {"login", "ns"}}, a),
              std::nullopt);
  }
}

TEST(ParseCloseRoom, ReasonIsOneOfTheEndsOfCare) {
  CloseRoom c;
  ASSERT_EQ(parse_into(json{{"room", "r1"}, {"reason", "death"}, {"note", "自宅で看取り"}}, c),
            std::nullopt);
  EXPECT_EQ(c.note, "自宅で看取り");
  EXPECT_TRUE(parse_into(json{{"room", "r1"}, {"reason", "bored"}}, c));
  EXPECT_TRUE(parse_into(json{{"room", "r1"}}, c));
}

TEST(ParseRecordConsent, NeedsDateAndWhoObtainedIt) {
  RecordConsent c;
  ASSERT_EQ(parse_into(json{{"patient", "p1"}, {"date", "2026-11-20"}, {"obtained_by", "山田"}}, c),
            std::nullopt);
  EXPECT_EQ(c.note, "");
  EXPECT_EQ(parse_into(json{{"patient", "p1"}, {"date", "2026-11-20"}}, c)->message,
            "body.obtained_by: required");
}

}  // namespace
}  // namespace musubi::protocol
