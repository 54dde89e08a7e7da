#include "server/domain/emergency_tiers.hpp"

#include <gtest/gtest.h>

namespace musubi::domain {
namespace {

using Tiers = std::vector<std::vector<std::int64_t>>;

std::vector<RoomMember> team() {
  return {{1, "vn", "nurse"},
          {2, "dr", "physician"},
          {3, "cm", "care_manager"},
          {4, "hh", "home_helper"},
          {5, "ph", "pharmacist"}};
}

TEST(EmergencyTiers, ThePlansOrderThenEveryoneElse) {
  const std::vector<PlanContact> plan = {
      {2, "dr"}, {1, "vn"}, {3, std::nullopt}, {4, "cm"}};  // listed out of order
  EXPECT_EQ(emergency_tiers(plan, team(), 4), (Tiers{{1}, {2}, {3}, {5}}));
}

TEST(EmergencyTiers, ContactsSharingAnOrderAreOneTier) {
  const std::vector<PlanContact> plan = {{1, "vn"}, {1, "dr"}, {2, "cm"}};
  EXPECT_EQ(emergency_tiers(plan, team(), 4), (Tiers{{1, 2}, {3}, {5}}));
}

TEST(EmergencyTiers, TheRaiserFormerMembersAndRepeatsAreSkipped) {
  const std::vector<PlanContact> plan = {{1, "hh"}, {2, "gone"}, {3, "vn"}, {4, "vn"}};
  EXPECT_EQ(emergency_tiers(plan, team(), 4), (Tiers{{1}, {2, 3, 5}}));
}

TEST(EmergencyTiers, WithoutAPlanEveryoneAtOnceAndAloneNobody) {
  EXPECT_EQ(emergency_tiers({}, team(), 4), (Tiers{{1, 2, 3, 5}}));
  const std::vector<RoomMember> alone = {{4, "hh", "home_helper"}};
  EXPECT_EQ(emergency_tiers({}, alone, 4), Tiers{});
}

}  // namespace
}  // namespace musubi::domain
