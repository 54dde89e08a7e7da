#include "server/domain/room_opening.hpp"

#include <array>
#include <string>

namespace musubi::domain {

namespace {

Outcome refuse(std::string_view code, std::string message) {
  return Outcome{std::nullopt, Refusal{code, std::move(message)}};
}

Outcome allow(Decision decision) {
  return Outcome{decision, std::nullopt};
}

Outcome wrong_state(RequestAction action, RequestState state) {
  return refuse("invalid_state", std::string(to_string(action)) +
                                     " is not possible while the "
                                     "request is " +
                                     std::string(to_string(state)));
}

Outcome only(std::string_view who, RequestAction action) {
  return refuse("forbidden",
                "only the " + std::string(who) + " may " + std::string(to_string(action)));
}

Decision opening(Decision d) {
  d.next = RequestState::open;
  d.opens_room = true;
  return d;
}

}  // namespace

bool is_terminal(RequestState state) {
  return state == RequestState::open || state == RequestState::withdrawn;
}

Outcome decide(const RequestFacts& f, RequestAction action, Party actor) {
  if (is_terminal(f.state)) return wrong_state(action, f.state);
  const bool hospital = f.setting == PhysicianSetting::hospital;
  switch (action) {
    case RequestAction::accept:
      if (actor != Party::physician) return only("attending physician", action);
      // Participation is the principle: a physician who has not declined may still join while
      // their hospital's liaison office is being asked.
      if (f.state != RequestState::awaiting_physician &&
          !(f.state == RequestState::awaiting_stand_in && !f.physician_declined)) {
        return wrong_state(action, f.state);
      }
      return allow(opening(Decision{.physician_joins = true}));

    case RequestAction::decline:
      if (actor != Party::physician) return only("attending physician", action);
      if (f.state != RequestState::awaiting_physician) return wrong_state(action, f.state);
      return allow(Decision{.next = RequestState::physician_declined});

    case RequestAction::ask_stand_in: {
      if (actor != Party::requester) return only("requester", action);
      // A clinic physician is asked first; a hospital physician's liaison office may be asked
      // straight away.
      const bool allowed_now = f.state == RequestState::physician_declined ||
                               (hospital && f.state == RequestState::awaiting_physician);
      if (!allowed_now) {
        if (!hospital && f.state == RequestState::awaiting_physician) {
          return refuse("invalid_state",
                        "a clinic physician is asked first: their staff may be asked once they "
                        "decline");
        }
        return wrong_state(action, f.state);
      }
      if (!f.candidate_is_physicians_colleague) {
        return refuse("stand_in_not_eligible",
                      hospital ? "a stand-in must be staff of the physician's hospital (e.g. its "
                                 "regional liaison office)"
                               : "a stand-in must be staff of the physician's clinic");
      }
      return allow(Decision{.next = RequestState::awaiting_stand_in});
    }

    case RequestAction::stand_in_accept:
      if (actor != Party::stand_in) return only("person asked to stand in", action);
      if (f.state != RequestState::awaiting_stand_in) return wrong_state(action, f.state);
      return allow(opening(Decision{
          .stand_in_joins = true,
          .stand_in_kind = hospital ? StandInKind::hospital_liaison : StandInKind::clinic_staff,
          .report =
              hospital && !f.physician_declined ? Report::after_the_fact : Report::keep_informed}));

    case RequestAction::stand_in_decline:
      if (actor != Party::stand_in) return only("person asked to stand in", action);
      if (f.state != RequestState::awaiting_stand_in) return wrong_state(action, f.state);
      return allow(Decision{.next = f.physician_declined ? RequestState::physician_declined
                                                         : RequestState::awaiting_physician});

    case RequestAction::proceed_without_physician:
      if (actor != Party::requester) return only("requester", action);
      if (f.state != RequestState::physician_declined) return wrong_state(action, f.state);
      if (f.team_has_visiting_nurse) {
        return allow(opening(Decision{.report = Report::participation_declined}));
      }
      return allow(Decision{.next = RequestState::awaiting_visiting_nurse,
                            .report = Report::participation_declined});

    case RequestAction::add_team_member:
      if (actor != Party::requester) return only("requester", action);
      if (f.state == RequestState::awaiting_visiting_nurse && f.candidate_is_visiting_nurse) {
        return allow(opening(Decision{}));
      }
      return allow(Decision{.next = f.state});

    case RequestAction::withdraw:
      if (actor != Party::requester) return only("requester", action);
      return allow(Decision{.next = RequestState::withdrawn});
  }
  return wrong_state(action, f.state);
}

namespace {

constexpr std::array<std::string_view, 6> kStates = {"awaiting_physician",
                                                     "physician_declined",
                                                     "awaiting_stand_in",
                                                     "awaiting_visiting_nurse",
                                                     "open",
                                                     "withdrawn"};
constexpr std::array<std::string_view, 8> kActions = {
    "accept",          "decline",          "ask_stand_in",
    "stand_in_accept", "stand_in_decline", "proceed_without_physician",
    "add_team_member", "withdraw"};
constexpr std::array<std::string_view, 2> kSettings = {"clinic", "hospital"};

template <class Enum, std::size_t N>
std::optional<Enum> parse(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(RequestState state) {
  return kStates[static_cast<std::size_t>(state)];
}
std::string_view to_string(RequestAction action) {
  return kActions[static_cast<std::size_t>(action)];
}
std::string_view to_string(PhysicianSetting setting) {
  return kSettings[static_cast<std::size_t>(setting)];
}
std::string_view to_string(StandInKind kind) {
  switch (kind) {
    case StandInKind::none: return "";
    case StandInKind::clinic_staff: return "clinic_staff";
    case StandInKind::hospital_liaison: return "hospital_liaison";
  }
  return "";
}
std::string_view to_string(Report report) {
  switch (report) {
    case Report::none: return "";
    case Report::keep_informed: return "keep_informed";
    case Report::after_the_fact: return "after_the_fact";
    case Report::participation_declined: return "participation_declined";
  }
  return "";
}

std::optional<RequestState> parse_request_state(std::string_view text) {
  return parse<RequestState>(kStates, text);
}
std::optional<RequestAction> parse_request_action(std::string_view text) {
  return parse<RequestAction>(kActions, text);
}
std::optional<PhysicianSetting> parse_physician_setting(std::string_view text) {
  return parse<PhysicianSetting>(kSettings, text);
}

}  // namespace musubi::domain
