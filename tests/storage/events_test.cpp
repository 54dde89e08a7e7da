#include "storage/events.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

class Events : public test::StorageTest {
 protected:
  Events()
      : tanaka_(add_user("tanaka", "田中 看護師")),
        sato_(add_user("sato", "佐藤 薬剤師")),
        a_(add_room("a", tanaka_)),
        b_(add_room("b", tanaka_)) {}

  std::int64_t append(std::int64_t room, std::int64_t author, const std::string& text,
                      std::int64_t ts_ms = 5000, std::optional<std::string> nonce = std::nullopt) {
    return append_event(db_, NewEvent{room,
                                      "message",
                                      author,
                                      R"({"text":")" + text + R"("})",
                                      std::move(nonce),
                                      ts_ms,
                                      {},
                                      {}});
  }

  std::vector<std::int64_t> seqs(const std::vector<StoredEvent>& events) {
    std::vector<std::int64_t> out;
    for (const auto& e : events)
      out.push_back(e.seq);
    return out;
  }

  std::int64_t tanaka_;
  std::int64_t sato_;
  std::int64_t a_;
  std::int64_t b_;
};

TEST_F(Events, LastSeqOfAnEmptyRoomIsZero) {
  EXPECT_EQ(last_seq(db_, a_), 0);
}

TEST_F(Events, SeqIsGaplessPerRoomAndIndependentAcrossRooms) {
  EXPECT_EQ(append(a_, tanaka_, "1"), 1);
  EXPECT_EQ(append(a_, tanaka_, "2"), 2);
  EXPECT_EQ(append(b_, tanaka_, "1"), 1);
  EXPECT_EQ(append(a_, tanaka_, "3"), 3);
  EXPECT_EQ(append(b_, tanaka_, "2"), 2);
  EXPECT_EQ(last_seq(db_, a_), 3);
  EXPECT_EQ(last_seq(db_, b_), 2);
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{})), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(seqs(events_in_range(db_, b_, EventRange{})), (std::vector<std::int64_t>{1, 2}));
}

TEST_F(Events, RoomMustExist) {
  EXPECT_THROW(append(4242, tanaka_, "x"), SqliteError);
}

TEST_F(Events, NonceFindsTheEarlierEvent) {
  append(a_, tanaka_, "first", 5000);
  append(a_, tanaka_, "second", 6000, "n-1");
  const auto found = find_event_by_nonce(db_, tanaka_, a_, "n-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->seq, 2);
  EXPECT_EQ(found->ts_ms, 6000);
}

TEST_F(Events, NonceIsScopedToAuthorAndRoom) {
  append(a_, tanaka_, "x", 5000, "n-1");
  EXPECT_EQ(find_event_by_nonce(db_, sato_, a_, "n-1"), std::nullopt);
  EXPECT_EQ(find_event_by_nonce(db_, tanaka_, b_, "n-1"), std::nullopt);
  EXPECT_EQ(find_event_by_nonce(db_, tanaka_, a_, "n-2"), std::nullopt);
  // The same nonce is free for another author or another room.
  EXPECT_EQ(append(a_, sato_, "y", 5000, "n-1"), 2);
  EXPECT_EQ(append(b_, tanaka_, "z", 5000, "n-1"), 1);
  EXPECT_EQ(find_event_by_nonce(db_, sato_, a_, "n-1")->seq, 2);
}

TEST_F(Events, SameNonceTwiceFromTheSameAuthorInTheSameRoomIsRefused) {
  append(a_, tanaka_, "x", 5000, "n-1");
  EXPECT_THROW(append(a_, tanaka_, "x again", 5001, "n-1"), SqliteError);
  EXPECT_EQ(last_seq(db_, a_), 1);
}

TEST_F(Events, EventsWithoutNonceAreNeverFoundByNonce) {
  append(a_, tanaka_, "x");
  EXPECT_EQ(find_event_by_nonce(db_, tanaka_, a_, ""), std::nullopt);
}

TEST_F(Events, RangeCarriesEveryFieldAndTheAuthor) {
  append_event(
      db_,
      NewEvent{
          a_, "member_added", sato_, R"({"member":{"login":"x"}})", std::nullopt, 7777, {}, {}});
  const auto events = events_in_range(db_, a_, EventRange{});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].room_id, a_);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[0].ts_ms, 7777);
  EXPECT_EQ(events[0].type, "member_added");
  EXPECT_EQ(events[0].author_login, "sato");
  EXPECT_EQ(events[0].author_name, "佐藤 薬剤師");
  EXPECT_EQ(events[0].content, R"({"member":{"login":"x"}})");
}

class EventRanges : public Events {
 protected:
  EventRanges() {
    for (int i = 1; i <= 10; ++i)
      append(a_, i % 2 ? tanaka_ : sato_, std::to_string(i));
    append(b_, tanaka_, "other room");
  }
};

TEST_F(EventRanges, AscendingFromTheStart) {
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{1, INT64_MAX, false, 3})),
            (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(EventRanges, DescendingFromTheEnd) {
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{1, INT64_MAX, true, 3})),
            (std::vector<std::int64_t>{10, 9, 8}));
}

TEST_F(EventRanges, BoundsAreInclusive) {
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{4, 6, false, 50})),
            (std::vector<std::int64_t>{4, 5, 6}));
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{4, 6, true, 50})),
            (std::vector<std::int64_t>{6, 5, 4}));
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{7, 7, false, 50})),
            (std::vector<std::int64_t>{7}));
}

TEST_F(EventRanges, LimitAppliesFromTheChosenEnd) {
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{3, 9, false, 2})),
            (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(seqs(events_in_range(db_, a_, EventRange{3, 9, true, 2})),
            (std::vector<std::int64_t>{9, 8}));
}

TEST_F(EventRanges, EmptyRanges) {
  EXPECT_TRUE(events_in_range(db_, a_, EventRange{11, INT64_MAX, false, 50}).empty());
  EXPECT_TRUE(events_in_range(db_, a_, EventRange{6, 5, false, 50}).empty());
  EXPECT_TRUE(events_in_range(db_, 4242, EventRange{}).empty());
}

TEST_F(EventRanges, DefaultRangeIsOldestFirstFifty) {
  const EventRange range;
  EXPECT_EQ(range.from, 1);
  EXPECT_EQ(range.to, INT64_MAX);
  EXPECT_FALSE(range.newest_first);
  EXPECT_EQ(range.limit, 50);
  EXPECT_EQ(events_in_range(db_, a_, range).size(), 10u);
}

TEST_F(EventRanges, OnlyThatRoomsEvents) {
  const auto events = events_in_range(db_, b_, EventRange{});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].content, R"({"text":"other room"})");
  EXPECT_EQ(events[0].room_id, b_);
}

TEST_F(EventRanges, AuthorsAlternate) {
  const auto events = events_in_range(db_, a_, EventRange{1, 2, false, 50});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].author_login, "tanaka");
  EXPECT_EQ(events[1].author_login, "sato");
  EXPECT_EQ(events[1].author_name, "佐藤 薬剤師");
}

}  // namespace
}  // namespace musubi::storage

namespace musubi::storage {
namespace {

class Records : public test::StorageTest {
 protected:
  std::int64_t append(const std::string& type, std::optional<std::string> tpl = std::nullopt,
                      std::optional<std::int64_t> refers_to = std::nullopt) {
    NewEvent e;
    e.room_id = room_;
    e.type = type;
    e.author_id = author_;
    e.content = "{}";
    e.ts_ms = 5;
    e.template_id = std::move(tpl);
    e.refers_to = refers_to;
    return append_event(db_, e);
  }

  std::int64_t author_ = add_user("tanaka");
  std::int64_t room_ = add_room("r1", author_);
};

TEST_F(Records, TheCurrentRecordIsTheNewestNotWithdrawn) {
  EXPECT_EQ(current_record(db_, room_, "acp_decision"), std::nullopt);
  const auto first = append("record", "acp_decision");
  append("record", "emergency_plan");
  const auto second = append("record", "acp_decision");
  EXPECT_EQ(current_record(db_, room_, "acp_decision")->seq, second);
  append("withdrawal", std::nullopt, second);
  EXPECT_EQ(current_record(db_, room_, "acp_decision")->seq, first);
  EXPECT_EQ(current_record(db_, room_, "emergency_plan")->template_id, "emergency_plan");
}

TEST_F(Records, TheLatestRevisionOfAnEntryIsFound) {
  const auto record = append("record", "acp_decision");
  EXPECT_EQ(latest_reference(db_, room_, record, "revision"), std::nullopt);
  append("revision", std::nullopt, record);
  const auto newer = append("revision", std::nullopt, record);
  const auto found = latest_reference(db_, room_, record, "revision");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->seq, newer);
  EXPECT_EQ(found->refers_to, record);
  EXPECT_EQ(found->author_id, author_);
  EXPECT_EQ(find_event(db_, room_, record)->template_id, "acp_decision");
  EXPECT_EQ(find_event(db_, room_, 999), std::nullopt);
}

}  // namespace
}  // namespace musubi::storage
