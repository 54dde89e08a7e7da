#include "server/domain/participation.hpp"

#include <string>

namespace musubi::domain {

std::optional<Refusal> check_participant(const PersonFacts& person) {
  if (person.role == Role::city_admin) {
    return Refusal{"city_staff_excluded",
                   "city administrators run the network and do not take part in patients' rooms"};
  }
  if (person.disabled) return Refusal{"user_disabled", "this user is disabled"};
  if (!person.org_active) {
    return Refusal{"organization_inactive",
                   "this user's organization is not an active member of the network"};
  }
  return std::nullopt;
}

bool is_visiting_nurse(const PersonFacts& person) {
  return person.profession == Profession::nurse && person.org_type == OrgType::visiting_nursing;
}

std::optional<Refusal> check_residency(std::string_view patient_municipality,
                                       std::string_view city) {
  if (patient_municipality == city) return std::nullopt;
  return Refusal{"not_resident", "the network serves residents of " + std::string(city) +
                                     " only (市民に限る); this patient lives in " +
                                     std::string(patient_municipality)};
}

}  // namespace musubi::domain
