#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/domain/refusal.hpp"
#include "server/domain/vocabulary.hpp"

namespace musubi::domain {

struct OrganizationFacts {
  OrgType type = OrgType::clinic;
  std::string municipality;      // where the organization is located
  std::string association;       // its professional association (職能団体); empty: none
  std::string association_area;  // the area that association covers
};

// The membership rule: an organization registers only through a professional association; one
// outside `city` only through the association of its own location (relaxed rule ②, November
// 2021). The city's own office is exempt from the association rule.
// Refusal codes: association_required, association_not_local, not_in_city.
std::optional<Refusal> check_registration(const OrganizationFacts& org, std::string_view city);

// Where a user may be placed: only in an active organization, and city administrators only in
// the city's own office. Refusal codes: organization_inactive, forbidden.
std::optional<Refusal> check_user_placement(Role role, OrgType org_type, bool org_active);

}  // namespace musubi::domain
