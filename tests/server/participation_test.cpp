#include "server/domain/participation.hpp"

#include <gtest/gtest.h>

namespace musubi::domain {
namespace {

TEST(Participant, AnActiveMemberOfAnActiveOrganizationTakesPart) {
  EXPECT_EQ(check_participant(PersonFacts{}), std::nullopt);
  EXPECT_EQ(check_participant(PersonFacts{.role = Role::org_contact}), std::nullopt);
}

TEST(Participant, CityAdministratorsNever) {
  EXPECT_EQ(check_participant(PersonFacts{.role = Role::city_admin})->code, "city_staff_excluded");
}

TEST(Participant, DisabledUsersAndRetiredOrganizationsNever) {
  EXPECT_EQ(check_participant(PersonFacts{.disabled = true})->code, "user_disabled");
  EXPECT_EQ(check_participant(PersonFacts{.org_active = false})->code, "organization_inactive");
}

TEST(VisitingNurse, IsANurseOfAVisitingNursingStation) {
  EXPECT_TRUE(
      is_visiting_nurse({.profession = Profession::nurse, .org_type = OrgType::visiting_nursing}));
  EXPECT_FALSE(is_visiting_nurse({.profession = Profession::nurse, .org_type = OrgType::hospital}));
  EXPECT_FALSE(is_visiting_nurse(
      {.profession = Profession::care_manager, .org_type = OrgType::visiting_nursing}));
}

TEST(Residency, OnlyResidentsOfTheCity) {
  EXPECT_EQ(check_residency("柏市", "柏市"), std::nullopt);
  const auto r = check_residency("流山市", "柏市");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "not_resident");
  EXPECT_NE(r->message.find("流山市"), std::string::npos);
}

}  // namespace
}  // namespace musubi::domain
