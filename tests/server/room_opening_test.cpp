#include "server/domain/room_opening.hpp"

#include <gtest/gtest.h>

namespace musubi::domain {
namespace {

RequestFacts facts(RequestState state, PhysicianSetting setting = PhysicianSetting::clinic) {
  RequestFacts f;
  f.state = state;
  f.setting = setting;
  f.physician_declined = state == RequestState::physician_declined;
  return f;
}

Decision allowed(const Outcome& o) {
  EXPECT_TRUE(o.decision.has_value()) << (o.refusal ? o.refusal->message : "");
  return o.decision.value_or(Decision{});
}

std::string_view refused(const Outcome& o) {
  EXPECT_FALSE(o.decision.has_value());
  return o.refusal ? o.refusal->code : "";
}

TEST(RoomOpening, PhysicianAcceptsAndTheRoomOpensWithThem) {
  const auto d = allowed(
      decide(facts(RequestState::awaiting_physician), RequestAction::accept, Party::physician));
  EXPECT_EQ(d.next, RequestState::open);
  EXPECT_TRUE(d.opens_room);
  EXPECT_TRUE(d.physician_joins);
  EXPECT_FALSE(d.stand_in_joins);
  EXPECT_EQ(d.report, Report::none);
}

TEST(RoomOpening, APhysicianWhoHasNotDeclinedMayStillJoinWhileAStandInIsAsked) {
  auto f = facts(RequestState::awaiting_stand_in, PhysicianSetting::hospital);
  EXPECT_TRUE(allowed(decide(f, RequestAction::accept, Party::physician)).physician_joins);
  f.physician_declined = true;
  EXPECT_EQ(refused(decide(f, RequestAction::accept, Party::physician)), "invalid_state");
}

TEST(RoomOpening, OnlyThePhysicianAnswers) {
  for (const auto party : {Party::requester, Party::stand_in, Party::other}) {
    EXPECT_EQ(
        refused(decide(facts(RequestState::awaiting_physician), RequestAction::accept, party)),
        "forbidden");
    EXPECT_EQ(
        refused(decide(facts(RequestState::awaiting_physician), RequestAction::decline, party)),
        "forbidden");
  }
}

TEST(RoomOpening, ClinicDeclineThenClinicStaffStandsIn) {
  const auto declined = allowed(
      decide(facts(RequestState::awaiting_physician), RequestAction::decline, Party::physician));
  EXPECT_EQ(declined.next, RequestState::physician_declined);
  EXPECT_FALSE(declined.opens_room);

  auto f = facts(RequestState::physician_declined);
  f.candidate_is_physicians_colleague = true;
  const auto asked = allowed(decide(f, RequestAction::ask_stand_in, Party::requester));
  EXPECT_EQ(asked.next, RequestState::awaiting_stand_in);

  f.state = RequestState::awaiting_stand_in;
  const auto opened = allowed(decide(f, RequestAction::stand_in_accept, Party::stand_in));
  EXPECT_TRUE(opened.opens_room);
  EXPECT_FALSE(opened.physician_joins);
  EXPECT_TRUE(opened.stand_in_joins);
  EXPECT_EQ(opened.stand_in_kind, StandInKind::clinic_staff);
  EXPECT_EQ(opened.report, Report::keep_informed);  // the physician is kept informed
}

TEST(RoomOpening, ClinicStaffIsAskedOnlyAfterThePhysicianDeclines) {
  auto f = facts(RequestState::awaiting_physician);
  f.candidate_is_physicians_colleague = true;
  EXPECT_EQ(refused(decide(f, RequestAction::ask_stand_in, Party::requester)), "invalid_state");
}

TEST(RoomOpening, HospitalLiaisonStaffStandsInWithAnAfterTheFactReport) {
  auto f = facts(RequestState::awaiting_physician, PhysicianSetting::hospital);
  f.candidate_is_physicians_colleague = true;
  const auto asked = allowed(decide(f, RequestAction::ask_stand_in, Party::requester));
  EXPECT_EQ(asked.next, RequestState::awaiting_stand_in);
  f.state = RequestState::awaiting_stand_in;
  const auto opened = allowed(decide(f, RequestAction::stand_in_accept, Party::stand_in));
  EXPECT_TRUE(opened.opens_room);
  EXPECT_EQ(opened.stand_in_kind, StandInKind::hospital_liaison);
  EXPECT_EQ(opened.report, Report::after_the_fact);
}

TEST(RoomOpening, AStandInMustWorkWithThePhysician) {
  auto f = facts(RequestState::physician_declined);
  f.candidate_is_physicians_colleague = false;
  EXPECT_EQ(refused(decide(f, RequestAction::ask_stand_in, Party::requester)),
            "stand_in_not_eligible");
}

TEST(RoomOpening, AStandInWhoDeclinesSendsTheRequestBack) {
  auto f = facts(RequestState::awaiting_stand_in);
  f.physician_declined = true;
  EXPECT_EQ(allowed(decide(f, RequestAction::stand_in_decline, Party::stand_in)).next,
            RequestState::physician_declined);
  f.physician_declined = false;
  f.setting = PhysicianSetting::hospital;
  EXPECT_EQ(allowed(decide(f, RequestAction::stand_in_decline, Party::stand_in)).next,
            RequestState::awaiting_physician);
  EXPECT_EQ(refused(decide(f, RequestAction::stand_in_accept, Party::requester)), "forbidden");
}

TEST(RoomOpening, FullDeclineWithAVisitingNurseOpensAtOnceWithAReport) {
  auto f = facts(RequestState::physician_declined);
  f.team_has_visiting_nurse = true;
  const auto d = allowed(decide(f, RequestAction::proceed_without_physician, Party::requester));
  EXPECT_TRUE(d.opens_room);
  EXPECT_FALSE(d.physician_joins);
  EXPECT_FALSE(d.stand_in_joins);
  EXPECT_EQ(d.report, Report::participation_declined);
}

TEST(RoomOpening, FullDeclineWithoutAVisitingNurseWaitsForOne) {
  auto f = facts(RequestState::physician_declined);
  const auto waiting =
      allowed(decide(f, RequestAction::proceed_without_physician, Party::requester));
  EXPECT_EQ(waiting.next, RequestState::awaiting_visiting_nurse);
  EXPECT_FALSE(waiting.opens_room);
  EXPECT_EQ(waiting.report, Report::participation_declined);

  f.state = RequestState::awaiting_visiting_nurse;
  f.candidate_is_visiting_nurse = false;
  const auto other = allowed(decide(f, RequestAction::add_team_member, Party::requester));
  EXPECT_EQ(other.next, RequestState::awaiting_visiting_nurse);
  EXPECT_FALSE(other.opens_room);

  f.candidate_is_visiting_nurse = true;
  const auto opened = allowed(decide(f, RequestAction::add_team_member, Party::requester));
  EXPECT_TRUE(opened.opens_room);
}

TEST(RoomOpening, ProceedingRequiresTheDecline) {
  EXPECT_EQ(refused(decide(facts(RequestState::awaiting_physician),
                           RequestAction::proceed_without_physician, Party::requester)),
            "invalid_state");
  EXPECT_EQ(refused(decide(facts(RequestState::physician_declined),
                           RequestAction::proceed_without_physician, Party::physician)),
            "forbidden");
}

TEST(RoomOpening, TheRequesterMayWithdrawUntilTheRoomOpens) {
  for (const auto state :
       {RequestState::awaiting_physician, RequestState::physician_declined,
        RequestState::awaiting_stand_in, RequestState::awaiting_visiting_nurse}) {
    EXPECT_EQ(allowed(decide(facts(state), RequestAction::withdraw, Party::requester)).next,
              RequestState::withdrawn);
  }
  EXPECT_EQ(refused(decide(facts(RequestState::awaiting_physician), RequestAction::withdraw,
                           Party::physician)),
            "forbidden");
}

TEST(RoomOpening, FinishedRequestsTakeNoMoreSteps) {
  for (const auto state : {RequestState::open, RequestState::withdrawn}) {
    for (int a = 0; a <= static_cast<int>(RequestAction::withdraw); ++a) {
      for (const auto party : {Party::requester, Party::physician, Party::stand_in}) {
        EXPECT_EQ(refused(decide(facts(state), static_cast<RequestAction>(a), party)),
                  "invalid_state");
      }
    }
  }
}

TEST(RoomOpening, NamesRoundTrip) {
  for (int s = 0; s <= static_cast<int>(RequestState::withdrawn); ++s) {
    const auto state = static_cast<RequestState>(s);
    EXPECT_EQ(parse_request_state(to_string(state)), state);
  }
  for (int a = 0; a <= static_cast<int>(RequestAction::withdraw); ++a) {
    const auto action = static_cast<RequestAction>(a);
    EXPECT_EQ(parse_request_action(to_string(action)), action);
  }
  EXPECT_EQ(parse_physician_setting("hospital"), PhysicianSetting::hospital);
  EXPECT_EQ(parse_request_state("opened"), std::nullopt);
}

}  // namespace
}  // namespace musubi::domain
