#include "storage/announcements.hpp"

#include <gtest/gtest.h>

#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

class Announcements : public test::StorageTest {
 protected:
  Announcements()
      : admin_(add_user("admin", "管理者", "city_admin")),
        tanaka_(add_user("tanaka", "田中")),
        sato_(add_user("sato", "佐藤")) {}

  std::int64_t admin_;
  std::int64_t tanaka_;
  std::int64_t sato_;
};

AnnouncementQuery query(std::int64_t user_id, bool unread_only = false, bool read_counts = false,
                        std::optional<std::size_t> limit = std::nullopt) {
  AnnouncementQuery q;
  q.user_id = user_id;
  q.unread_only = unread_only;
  q.read_counts = read_counts;
  q.limit = limit;
  return q;
}

std::vector<std::int64_t> ids_of(const std::vector<Announcement>& list) {
  std::vector<std::int64_t> ids;
  for (const auto& a : list)
    ids.push_back(a.id);
  return ids;
}

TEST_F(Announcements, ListedNewestFirstWithTheirAuthor) {
  const auto first = insert_announcement(db_, "研修のお知らせ", "1月14日から", admin_, 1000);
  const auto second = insert_announcement(db_, "明日から研修", "本文\n二行目", admin_, 2000);
  const auto list = list_announcements(db_, query(tanaka_));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, second);
  EXPECT_EQ(list[0].title, "明日から研修");
  EXPECT_EQ(list[0].body, "本文\n二行目");
  EXPECT_EQ(list[0].posted_ms, 2000);
  EXPECT_EQ(list[0].author_login, "admin");
  EXPECT_EQ(list[0].author_name, "管理者");
  EXPECT_FALSE(list[0].read);
  EXPECT_EQ(list[1].id, first);
}

TEST_F(Announcements, SameTimeIsOrderedByIdNewestFirst) {
  const auto a = insert_announcement(db_, "a", "a", admin_, 1000);
  const auto b = insert_announcement(db_, "b", "b", admin_, 1000);
  EXPECT_EQ(ids_of(list_announcements(db_, query(tanaka_))), (std::vector<std::int64_t>{b, a}));
}

TEST_F(Announcements, ReadFlagsArePerUserAndUnreadOnlyHidesTheRead) {
  const auto a = insert_announcement(db_, "a", "a", admin_, 1000);
  const auto b = insert_announcement(db_, "b", "b", admin_, 2000);
  EXPECT_EQ(mark_announcements_read(db_, tanaka_, {a}, 3000), 1);

  const auto tanaka = list_announcements(db_, query(tanaka_));
  ASSERT_EQ(tanaka.size(), 2u);
  EXPECT_FALSE(tanaka[0].read);  // b
  EXPECT_TRUE(tanaka[1].read);   // a
  EXPECT_EQ(ids_of(list_announcements(db_, query(tanaka_, true))), (std::vector<std::int64_t>{b}));
  EXPECT_EQ(count_unread_announcements(db_, tanaka_), 1);

  EXPECT_EQ(ids_of(list_announcements(db_, query(sato_, true))), (std::vector<std::int64_t>{b, a}));
  EXPECT_EQ(count_unread_announcements(db_, sato_), 2);
}

TEST_F(Announcements, MarkingReadIsIdempotentAndKeepsTheFirstReadTime) {
  const auto a = insert_announcement(db_, "a", "a", admin_, 1000);
  EXPECT_EQ(mark_announcements_read(db_, tanaka_, {a, a}, 3000), 1);
  EXPECT_EQ(mark_announcements_read(db_, tanaka_, {a}, 4000), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM announcement_reads"), 1);
  EXPECT_EQ(scalar("SELECT read_ms FROM announcement_reads"), 3000);
}

TEST_F(Announcements, UnknownIdsAreNamed) {
  const auto a = insert_announcement(db_, "a", "a", admin_, 1000);
  EXPECT_TRUE(unknown_announcements(db_, {a}).empty());
  EXPECT_EQ(unknown_announcements(db_, {a + 7, a, a + 1}),
            (std::vector<std::int64_t>{a + 7, a + 1}));
}

TEST_F(Announcements, LimitKeepsTheNewest) {
  for (int i = 0; i < 5; ++i)
    insert_announcement(db_, "t", "b", admin_, 1000 + i);
  const auto list = list_announcements(db_, query(tanaka_, true, false, 2));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].posted_ms, 1004);
  EXPECT_EQ(list[1].posted_ms, 1003);
}

TEST_F(Announcements, ReadCountsCountActiveReadersOnlyAndOnlyWhenAsked) {
  const auto a = insert_announcement(db_, "a", "a", admin_, 1000);
  mark_announcements_read(db_, tanaka_, {a}, 2000);
  mark_announcements_read(db_, sato_, {a}, 2000);
  EXPECT_EQ(list_announcements(db_, query(admin_))[0].read_count, 0);  // not asked for
  EXPECT_EQ(list_announcements(db_, query(admin_, false, true))[0].read_count, 2);
  EXPECT_EQ(count_active_users(db_), 3);

  // A disabled reader no longer counts, on either side of the ratio.
  ASSERT_TRUE(set_user_disabled(db_, "sato", true, 3000));
  EXPECT_EQ(list_announcements(db_, query(admin_, false, true))[0].read_count, 1);
  EXPECT_EQ(count_active_users(db_), 2);
}

TEST_F(Announcements, ActiveUsersLeaveOutDisabledUsersAndRetiredOrganizations) {
  const auto other_org = add_org("test-pharmacy", "pharmacy");
  const auto pharmacist =
      *insert_user(db_, NewUser{"yamada", "山田", "h", other_org, "pharmacist", "member"}, 1000);
  EXPECT_EQ(active_user_ids(db_), (std::vector<std::int64_t>{admin_, tanaka_, sato_, pharmacist}));
  ASSERT_TRUE(set_user_disabled(db_, "tanaka", true, 2000));
  ASSERT_TRUE(retire_organization(db_, "test-pharmacy", "2026-05-01", 2000));
  EXPECT_EQ(active_user_ids(db_), (std::vector<std::int64_t>{admin_, sato_}));
  EXPECT_EQ(count_active_users(db_), 2);
}

}  // namespace
}  // namespace musubi::storage
