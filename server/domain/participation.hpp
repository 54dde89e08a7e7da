#pragma once

#include <optional>
#include <string_view>

#include "server/domain/refusal.hpp"
#include "server/domain/vocabulary.hpp"

namespace musubi::domain {

// What the rules need to know about a person being invited to a patient's room or request.
struct PersonFacts {
  Role role = Role::member;
  Profession profession = Profession::nurse;
  OrgType org_type = OrgType::clinic;
  bool org_active = true;
  bool disabled = false;
};

// Only active members of registered, active organizations take part in patients' rooms; the
// city's administrators never do (they run the network and must not read patients' records).
// Refusal codes: city_staff_excluded, organization_inactive, user_disabled.
std::optional<Refusal> check_participant(const PersonFacts& person);

// A visiting nurse (訪問看護師): the medical professional who must be on a team when the
// attending physician does not take part.
bool is_visiting_nurse(const PersonFacts& person);

// The patient must live in the city whose taxes pay for the network.
// Refusal code: not_resident.
std::optional<Refusal> check_residency(std::string_view patient_municipality,
                                       std::string_view city);

}  // namespace musubi::domain
