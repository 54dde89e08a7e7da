#include "storage/emergencies.hpp"

#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

class Emergencies : public test::StorageTest {
 protected:
  Emergencies() : helper_(add_user("hh")), room_(add_room("r1", helper_)) {}

  std::int64_t raise(std::int64_t seq) {
    Emergency e;
    e.room_id = room_;
    e.seq = seq;
    e.raised_by = helper_;
    e.raised_ms = 1000;
    e.tiers = {{2}, {3, 4}};
    e.tier = 1;
    e.escalate_at_ms = 181000;
    return insert_emergency(db_, e);
  }

  std::int64_t helper_;
  std::int64_t room_;
};

TEST_F(Emergencies, TiersAndTheDueStepRoundTrip) {
  const auto id = raise(7);
  const auto e = find_emergency(db_, id);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->tiers, (std::vector<std::vector<std::int64_t>>{{2}, {3, 4}}));
  EXPECT_EQ(e->tier, 1);
  EXPECT_EQ(e->escalate_at_ms, 181000);
  EXPECT_TRUE(e->open());
  EXPECT_EQ(emergency_by_seq(db_, room_, 7)->id, id);
  EXPECT_EQ(open_emergency(db_, room_)->id, id);
  ASSERT_EQ(pending_escalations(db_).size(), 1u);
  EXPECT_EQ(pending_escalations(db_)[0].at_ms, 181000);
}

TEST_F(Emergencies, AStepMovesTheTierOnlyFromTheValueItRead) {
  const auto id = raise(7);
  EXPECT_TRUE(advance_escalation(db_, id, 1, 2, 361000));
  // The same step again (a timer firing twice, a restart): nothing changes.
  EXPECT_FALSE(advance_escalation(db_, id, 1, 2, 361000));
  EXPECT_EQ(find_emergency(db_, id)->tier, 2);
  EXPECT_EQ(find_emergency(db_, id)->escalate_at_ms, 361000);
}

TEST_F(Emergencies, TheFirstResponseStopsEscalationAndClosingEndsIt) {
  const auto id = raise(7);
  const auto other = add_user("vn");
  EXPECT_TRUE(record_first_response(db_, id, other, 2000));
  EXPECT_FALSE(record_first_response(db_, id, helper_, 2100));
  EXPECT_EQ(find_emergency(db_, id)->responder_id, other);
  EXPECT_FALSE(advance_escalation(db_, id, 1, 2, 361000));
  EXPECT_TRUE(pending_escalations(db_).empty());
  EXPECT_TRUE(close_emergency(db_, id, other, "stable_at_home", "", 3000));
  EXPECT_FALSE(close_emergency(db_, id, other, "other", "", 3100));
  EXPECT_FALSE(open_emergency(db_, room_));
  EXPECT_EQ(latest_emergency(db_, room_)->outcome, "stable_at_home");
}

TEST_F(Emergencies, ARoomHasOneOpenEmergencyAtATime) {
  raise(7);
  EXPECT_THROW(raise(9), SqliteError);
}

}  // namespace
}  // namespace musubi::storage
