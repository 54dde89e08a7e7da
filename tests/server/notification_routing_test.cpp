#include "server/domain/notification_routing.hpp"

#include <gtest/gtest.h>

namespace musubi::domain {
namespace {

std::vector<RoomMember> team() {
  return {{1, "vn", "nurse"},
          {2, "ph", "pharmacist"},
          {3, "ph2", "pharmacist"},
          {4, "dt", "dentist"},
          {5, "cm", "care_manager"}};
}

std::vector<std::pair<std::int64_t, bool>> who(const std::vector<Recipient>& recipients,
                                               std::string_view kind) {
  std::vector<std::pair<std::int64_t, bool>> out;
  for (const auto& r : recipients) {
    if (r.kind == kind) out.emplace_back(r.user_id, r.requires_ack);
  }
  return out;
}

TEST(NotificationRouting, APlainPostNotifiesNobody) {
  EXPECT_TRUE(route_post(PostFacts{1, {}, {}, false, false}, team()).empty());
}

TEST(NotificationRouting, MentionsReachTheMemberAndEveryMemberOfTheProfession) {
  const auto r = route_post(PostFacts{1, {"cm"}, {"pharmacist"}, false, false}, team());
  EXPECT_EQ(r.size(), 3u);
  EXPECT_EQ(who(r, notification_kind::mention),
            (std::vector<std::pair<std::int64_t, bool>>{{2, false}, {3, false}, {5, false}}));
}

TEST(NotificationRouting, RequiredAcknowledgementGoesToTheMentionedOrElseToEveryone) {
  auto r = route_post(PostFacts{1, {"dt"}, {}, true, false}, team());
  EXPECT_EQ(who(r, notification_kind::mention),
            (std::vector<std::pair<std::int64_t, bool>>{{4, true}}));
  EXPECT_EQ(r.size(), 1u);
  r = route_post(PostFacts{1, {}, {}, true, false}, team());
  EXPECT_EQ(who(r, notification_kind::ack_request).size(), 4u);
  for (const auto& recipient : r)
    EXPECT_TRUE(recipient.requires_ack);
}

TEST(NotificationRouting, AnEndOfLifeNoteReachesEveryOtherMemberAsMustAcknowledge) {
  // Even when the post names only one member, pharmacists and dentists are told.
  const auto r = route_post(PostFacts{5, {"vn"}, {}, false, true}, team());
  EXPECT_EQ(
      who(r, notification_kind::end_of_life),
      (std::vector<std::pair<std::int64_t, bool>>{{1, true}, {2, true}, {3, true}, {4, true}}));
}

TEST(NotificationRouting, TheAuthorIsNeverNotifiedAndUnknownMentionsAreFound) {
  const auto r = route_post(PostFacts{2, {"ph"}, {"pharmacist"}, true, false}, team());
  EXPECT_EQ(who(r, notification_kind::mention),
            (std::vector<std::pair<std::int64_t, bool>>{{3, true}}));
  EXPECT_EQ(unknown_mention(PostFacts{1, {"vn", "nobody"}, {}, false, false}, team()), 1u);
  EXPECT_EQ(unknown_mention(PostFacts{1, {"vn", "cm"}, {}, false, false}, team()), std::nullopt);
}

}  // namespace
}  // namespace musubi::domain
