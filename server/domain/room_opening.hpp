#pragma once

#include <optional>
#include <string_view>

#include "server/domain/refusal.hpp"

namespace musubi::domain {

// The attending-physician rule (主治医の参加を原則とする, relaxed rule ①) as a state machine.
//
//   awaiting_physician --accept (physician)--------------------------------------> open
//   awaiting_stand_in --accept (physician, not having declined)--------------------> open
//   awaiting_physician --decline (physician)--> physician_declined
//   physician_declined --ask_stand_in (requester; clinic staff)--> awaiting_stand_in
//   awaiting_physician --ask_stand_in (requester; hospital liaison staff)--> awaiting_stand_in
//   awaiting_stand_in --stand_in_accept (stand-in)---------------------------------> open
//   awaiting_stand_in --stand_in_decline (stand-in)--> back where it was asked from
//   physician_declined --proceed_without_physician (requester)--> open, when a visiting nurse
//                                                   is on the team; else awaiting_visiting_nurse
//   awaiting_visiting_nurse --add_team_member (a visiting nurse)-------------------> open
//   any unfinished state --add_team_member (requester)--> the same state
//   any unfinished state --withdraw (requester)--> withdrawn
enum class RequestState {
  awaiting_physician,
  physician_declined,
  awaiting_stand_in,
  awaiting_visiting_nurse,
  open,
  withdrawn,
};

enum class RequestAction {
  accept,
  decline,
  ask_stand_in,
  stand_in_accept,
  stand_in_decline,
  proceed_without_physician,
  add_team_member,
  withdraw,
};

// Who acts, relative to the request.
enum class Party { requester, physician, stand_in, other };

// Where the attending physician works: the rule differs for clinics and hospitals.
enum class PhysicianSetting { clinic, hospital };

// Who joins in the physician's place, recorded on the room.
enum class StandInKind { none, clinic_staff, hospital_liaison };

// What the physician is owed when they do not join (recorded in the request's log).
enum class Report {
  none,
  keep_informed,           // a stand-in joined after the physician declined (主治医に報告)
  after_the_fact,          // hospital liaison staff joined in the physician's place (事後報告)
  participation_declined,  // the room opens without a physician (報告し部屋開設)
};

struct RequestFacts {
  RequestState state = RequestState::awaiting_physician;
  PhysicianSetting setting = PhysicianSetting::clinic;
  bool physician_declined = false;
  bool team_has_visiting_nurse = false;  // the requester or a team member
  // ask_stand_in: the named person works at the physician's organization (and is not them).
  bool candidate_is_physicians_colleague = false;
  // add_team_member: the named person is a visiting nurse.
  bool candidate_is_visiting_nurse = false;
};

struct Decision {
  RequestState next = RequestState::awaiting_physician;
  bool opens_room = false;
  bool physician_joins = false;
  bool stand_in_joins = false;
  StandInKind stand_in_kind = StandInKind::none;
  Report report = Report::none;
};

struct Outcome {
  std::optional<Decision> decision;  // set when allowed
  std::optional<Refusal> refusal;    // set when refused: invalid_state, forbidden,
                                     // stand_in_not_eligible
};

// What `actor` doing `action` leads to. Pure: the caller persists and carries it out.
Outcome decide(const RequestFacts& facts, RequestAction action, Party actor);

std::string_view to_string(RequestState state);
std::string_view to_string(RequestAction action);
std::string_view to_string(PhysicianSetting setting);
std::string_view to_string(StandInKind kind);
std::string_view to_string(Report report);
std::optional<RequestState> parse_request_state(std::string_view text);
std::optional<RequestAction> parse_request_action(std::string_view text);
std::optional<PhysicianSetting> parse_physician_setting(std::string_view text);

bool is_terminal(RequestState state);

}  // namespace musubi::domain
