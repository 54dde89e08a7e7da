#include "server/domain/vocabulary.hpp"

#include <set>

#include <gtest/gtest.h>

namespace musubi::domain {
namespace {

TEST(Vocabulary, EveryOrganizationTypeOfTheReportIsThere) {
  for (const char* code :
       {"hospital", "clinic", "dental_clinic", "pharmacy", "visiting_nursing", "care_management",
        "home_help", "day_service", "day_rehabilitation", "periodic_visit", "night_home_help",
        "welfare_equipment", "consultation_support", "community_support_center"}) {
    EXPECT_TRUE(parse_org_type(code).has_value()) << code;
  }
}

TEST(Vocabulary, CodesRoundTripAndAreUnique) {
  std::set<std::string_view> seen;
  for (const auto& t : profession_terms()) {
    const auto p = parse_profession(t.code);
    ASSERT_TRUE(p.has_value()) << t.code;
    EXPECT_EQ(to_string(*p), t.code);
    EXPECT_TRUE(seen.insert(t.code).second) << t.code;
    EXPECT_FALSE(t.ja.empty());
    EXPECT_FALSE(t.en.empty());
  }
  for (const auto& t : org_type_terms())
    EXPECT_EQ(to_string(*parse_org_type(t.code)), t.code);
  for (const auto& t : role_terms())
    EXPECT_EQ(to_string(*parse_role(t.code)), t.code);
}

TEST(Vocabulary, JapaneseLabelsComeFirst) {
  EXPECT_EQ(profession_terms()[static_cast<int>(Profession::pharmacist)].ja, "薬剤師");
  EXPECT_EQ(org_type_terms()[static_cast<int>(OrgType::visiting_nursing)].ja,
            "訪問看護ステーション");
  EXPECT_EQ(parse_profession("wizard"), std::nullopt);
}

}  // namespace
}  // namespace musubi::domain
