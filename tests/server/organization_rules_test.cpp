#include "server/domain/organization_rules.hpp"

#include <gtest/gtest.h>

namespace musubi::domain {
namespace {

constexpr std::string_view kCity = "柏市";

TEST(Registration, AnOrganizationInTheCityWithAnAssociationIsAdmitted) {
  EXPECT_EQ(check_registration({OrgType::clinic, "柏市", "柏市医師会", "柏市"}, kCity),
            std::nullopt);
}

TEST(Registration, NoAssociationIsRefused) {
  const auto r = check_registration({OrgType::home_help, "柏市", "", ""}, kCity);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "association_required");
}

TEST(Registration, OutsideTheCityOnlyThroughItsOwnLocationsAssociation) {
  // Relaxed rule ②: a Matsudo clinic through the Matsudo medical association is admitted ...
  EXPECT_EQ(check_registration({OrgType::clinic, "松戸市", "松戸市医師会", "松戸市"}, kCity),
            std::nullopt);
  // ... but not through Kashiwa's association, nor another town's.
  const auto r = check_registration({OrgType::clinic, "松戸市", "柏市医師会", "柏市"}, kCity);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "association_not_local");
  EXPECT_NE(r->message.find("松戸市"), std::string::npos);
  const auto none = check_registration({OrgType::clinic, "松戸市", "", ""}, kCity);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->code, "association_required");
}

TEST(Registration, TheCitysOwnOfficeNeedsNoAssociation) {
  EXPECT_EQ(check_registration({OrgType::municipal_office, "柏市", "", ""}, kCity), std::nullopt);
  const auto r = check_registration({OrgType::municipal_office, "我孫子市", "", ""}, kCity);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "not_in_city");
}

TEST(Placement, CityAdministratorsBelongToTheCitysOffice) {
  EXPECT_EQ(check_user_placement(Role::city_admin, OrgType::municipal_office, true), std::nullopt);
  EXPECT_EQ(check_user_placement(Role::city_admin, OrgType::clinic, true)->code, "forbidden");
  EXPECT_EQ(check_user_placement(Role::member, OrgType::clinic, true), std::nullopt);
  EXPECT_EQ(check_user_placement(Role::org_contact, OrgType::pharmacy, true), std::nullopt);
}

TEST(Placement, NobodyJoinsARetiredOrganization) {
  EXPECT_EQ(check_user_placement(Role::member, OrgType::clinic, false)->code,
            "organization_inactive");
}

}  // namespace
}  // namespace musubi::domain
