#include "server/domain/organization_rules.hpp"

namespace musubi::domain {

std::optional<Refusal> check_registration(const OrganizationFacts& org, std::string_view city) {
  const bool in_city = org.municipality == city;
  if (org.type == OrgType::municipal_office) {
    if (in_city) return std::nullopt;
    return Refusal{"not_in_city", "the municipal office must be that of " + std::string(city)};
  }
  if (org.association.empty()) {
    return Refusal{"association_required",
                   "an organization registers only as a member of a professional association "
                   "(職能団体)"};
  }
  if (!in_city && org.association_area != org.municipality) {
    return Refusal{
        "association_not_local",
        "an organization outside " + std::string(city) +
            " registers only through the professional association of its own location (" +
            org.municipality + "); " + org.association + " covers " + org.association_area};
  }
  return std::nullopt;
}

std::optional<Refusal> check_user_placement(Role role, OrgType org_type, bool org_active) {
  if (!org_active) {
    return Refusal{"organization_inactive", "the organization is retired from the network"};
  }
  if (role == Role::city_admin && org_type != OrgType::municipal_office) {
    return Refusal{"forbidden", "city administrators belong to the city's own office"};
  }
  return std::nullopt;
}

}  // namespace musubi::domain
