#include "storage/retention.hpp"

#include <gtest/gtest.h>

#include "storage/acknowledgements.hpp"
#include "storage/attachments.hpp"
#include "storage/audit.hpp"
#include "storage/audit_chain.hpp"
#include "storage/emergencies.hpp"
#include "storage/events.hpp"
#include "storage/notifications.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

constexpr std::int64_t kClosedMs = 1'584'230'400'000;  // 2020-03-15 00:00 UTC
constexpr std::int64_t kNowMs = 1'764'892'800'000;     // 2025-12-05 00:00 UTC

class Retention : public test::StorageTest {
 protected:
  Retention() : tanaka_(add_user("tanaka", "田中")), sato_(add_user("sato", "佐藤")) {
    append_audit(db_, 100, tanaka_, "sign_in", std::nullopt, "");
  }

  // A room with both users, `messages` messages by tanaka (the first requiring sato's
  // acknowledgement and notifying them), an emergency call and an attachment with `bytes`'s
  // SHA-256 (any text stands for one). Closed at `closed_ms` unless nullopt.
  std::int64_t filled_room(const std::string& public_id, std::optional<std::int64_t> closed_ms,
                           int messages = 3, const std::string& sha256 = "aa11") {
    const auto room = add_room(public_id, tanaka_);
    insert_member(db_, room, sato_, Role::member, tanaka_, 2000);
    for (int i = 0; i < messages; ++i) {
      append_event(
          db_,
          NewEvent{
              room, "message", tanaka_, R"({"text":"熱 38.2℃"})", std::nullopt, 3000 + i, {}, {}});
    }
    mark_read(db_, room, sato_, 1);
    require_acknowledgement(db_, room, 1, {sato_});
    insert_notification(db_, NewNotification{sato_, room, 1, "mention", true, {}, 3000});
    Emergency e;
    e.room_id = room;
    e.seq = 1;
    e.raised_by = tanaka_;
    e.raised_ms = 3000;
    e.tiers = {{sato_}};
    e.closed_ms = 4000;
    e.closed_by = tanaka_;
    insert_emergency(db_, e);
    Attachment a;
    a.public_id = "att_" + public_id;
    a.room_id = room;
    a.uploader_id = tanaka_;
    a.sha256 = sha256;
    a.media_type = "application/pdf";
    a.size = 4;
    a.name = "退院時サマリー.pdf";
    a.uploaded_ms = 3000;
    attach_to_event(db_, insert_attachment(db_, a), 1);
    if (closed_ms) {
      EXPECT_TRUE(close_room(db_, room, "death", "自宅で看取り", *closed_ms));
    }
    return room;
  }

  std::int64_t count(const std::string& table, std::int64_t room) {
    auto& st = db_.prepare("SELECT COUNT(*) FROM " + table + " WHERE room_id = ?");
    st.bind(1, room).step();
    const auto n = st.int64(0);
    st.reset();
    return n;
  }

  std::int64_t content_rows(std::int64_t room) {
    std::int64_t n = 0;
    for (const char* table :
         {"events", "members", "attachments", "notifications", "acknowledgements", "emergencies"}) {
      n += count(table, room);
    }
    return n;
  }

  std::int64_t tanaka_;
  std::int64_t sato_;
};

TEST_F(Retention, ClosedRoomsListsOnlyClosedUnpurgedRoomsOldestFirst) {
  filled_room("open", std::nullopt);
  const auto newer = filled_room("newer", kClosedMs + 1000, 2);
  const auto older = filled_room("older", kClosedMs, 4);
  auto rooms = closed_rooms(db_);
  ASSERT_EQ(rooms.size(), 2u);
  EXPECT_EQ(rooms[0].id, older);
  EXPECT_EQ(rooms[0].public_id, "older");
  EXPECT_EQ(rooms[0].closed_ms, kClosedMs);
  EXPECT_EQ(rooms[0].events, 4);
  EXPECT_EQ(rooms[0].attachments, 1);
  EXPECT_EQ(rooms[1].id, newer);

  ASSERT_TRUE(purge_room(db_, older, kNowMs).purged);
  rooms = closed_rooms(db_);
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].id, newer);
}

TEST_F(Retention, PurgeDeletesTheRoomsContentAndLeavesATombstone) {
  const auto kept = filled_room("kept", kClosedMs, 2, "bb22");
  const auto open = filled_room("open", std::nullopt, 2, "cc33");
  const auto room = filled_room("gone", kClosedMs, 3, "aa11");
  const auto kept_rows = content_rows(kept);
  const auto open_rows = content_rows(open);
  ASSERT_GT(content_rows(room), 0);

  const auto outcome = purge_room(db_, room, kNowMs, " years=5");
  ASSERT_TRUE(outcome.purged);
  EXPECT_EQ(outcome.events, 3);
  EXPECT_EQ(outcome.attachments, 1);
  EXPECT_EQ(outcome.members, 2);
  EXPECT_EQ(outcome.notifications, 1);
  EXPECT_EQ(outcome.acknowledgements, 1);
  EXPECT_EQ(outcome.emergencies, 1);
  EXPECT_EQ(outcome.unreferenced_files, std::vector<std::string>{"aa11"});

  EXPECT_EQ(content_rows(room), 0);
  EXPECT_EQ(content_rows(kept), kept_rows);
  EXPECT_EQ(content_rows(open), open_rows);

  // The tombstone: same ids, closed, purged, its note gone; nobody is a member any more.
  EXPECT_EQ(find_room_id(db_, "gone"), room);
  EXPECT_EQ(room_public_id(db_, room), "gone");
  const auto details = room_details(db_, room);
  ASSERT_TRUE(details.has_value());
  EXPECT_EQ(details->closed_ms, kClosedMs);
  EXPECT_EQ(details->close_reason, "death");
  EXPECT_EQ(details->close_note, "");
  EXPECT_EQ(scalar("SELECT purged_ms FROM rooms WHERE public_id = 'gone'"), kNowMs);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM rooms WHERE purged_ms IS NOT NULL"), 1);
  EXPECT_FALSE(find_membership(db_, "gone", tanaka_).has_value());
  for (const auto& r : rooms_of_user(db_, sato_)) {
    EXPECT_NE(r.public_id, "gone");
  }
  EXPECT_EQ(rooms_of_user(db_, sato_).size(), 2u);

  // The audit log keeps everything, gains one entry naming the room, and still verifies.
  AuditQuery query;
  query.action = "retention.purge";
  const auto entries = list_audit(db_, query);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].room, "gone");
  EXPECT_EQ(entries[0].actor_id, std::nullopt);
  EXPECT_EQ(entries[0].ts_ms, kNowMs);
  EXPECT_EQ(entries[0].detail, "events=3 attachments=1 years=5");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit"), 2);
  const auto chain = verify_audit_chain(db_);
  EXPECT_TRUE(chain.ok());
  EXPECT_EQ(chain.entries, 2);

  auto& check = db_.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
  check.reset();
  auto& keys = db_.prepare("PRAGMA foreign_key_check");
  EXPECT_FALSE(keys.step());
  keys.reset();
}

TEST_F(Retention, AFileAnotherRoomAlsoPostedIsNotReportedForDeletion) {
  filled_room("other", kClosedMs, 1, "shared");
  const auto room = filled_room("gone", kClosedMs, 1, "shared");
  const auto outcome = purge_room(db_, room, kNowMs);
  ASSERT_TRUE(outcome.purged);
  EXPECT_TRUE(outcome.unreferenced_files.empty());
  EXPECT_TRUE(attachment_file_referenced(db_, "shared"));
  EXPECT_FALSE(attachment_file_referenced(db_, "unknown"));
}

TEST_F(Retention, OpenUnknownAndAlreadyPurgedRoomsAreLeftAlone) {
  const auto open = filled_room("open", std::nullopt);
  const auto open_rows = content_rows(open);
  EXPECT_FALSE(purge_room(db_, open, kNowMs).purged);
  EXPECT_EQ(content_rows(open), open_rows);
  EXPECT_FALSE(purge_room(db_, 999, kNowMs).purged);

  const auto room = filled_room("gone", kClosedMs);
  ASSERT_TRUE(purge_room(db_, room, kNowMs).purged);
  const auto again = purge_room(db_, room, kNowMs + 1);
  EXPECT_FALSE(again.purged);
  EXPECT_EQ(scalar("SELECT purged_ms FROM rooms WHERE public_id = 'gone'"), kNowMs);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit WHERE action = 'retention.purge'"), 1);
  // Nothing is left open: the connection takes a new write transaction at once.
  EXPECT_NO_THROW(db_.exec("BEGIN IMMEDIATE; COMMIT;"));
}

TEST_F(Retention, PurgedRoomsPublicIdIsNeverReused) {
  const auto room = filled_room("gone", kClosedMs);
  ASSERT_TRUE(purge_room(db_, room, kNowMs).purged);
  // A new room can never take the purged room's public id.
  auto again = new_room("other", tanaka_);
  again.public_id = "gone";
  EXPECT_THROW(insert_room(db_, again, kNowMs), SqliteError);
}

}  // namespace
}  // namespace musubi::storage
