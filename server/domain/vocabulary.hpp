#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace musubi::domain {

// The city's words (DOMAIN.md): organization types, professions and roles. Each has a stable
// code for the wire and the database, and labels in Japanese (first) and English.
struct Term {
  std::string_view code;
  std::string_view ja;
  std::string_view en;
};

enum class OrgType {
  hospital,
  clinic,
  dental_clinic,
  pharmacy,
  visiting_nursing,
  care_management,
  home_help,
  day_service,
  day_rehabilitation,
  periodic_visit,
  night_home_help,
  welfare_equipment,
  consultation_support,
  community_support_center,
  municipal_office,  // the city itself: its staff administer the network
};

enum class Profession {
  physician,
  dentist,
  pharmacist,
  nurse,
  care_manager,
  msw,
  rehabilitation,
  home_helper,
  care_worker,
  community_support,
  welfare_equipment,
  consultation_support,
  office_staff,
  city_staff,
};

enum class Role { city_admin, org_contact, member };

std::span<const Term> org_type_terms();
std::span<const Term> profession_terms();
std::span<const Term> role_terms();

std::string_view to_string(OrgType value);
std::string_view to_string(Profession value);
std::string_view to_string(Role value);

std::optional<OrgType> parse_org_type(std::string_view code);
std::optional<Profession> parse_profession(std::string_view code);
std::optional<Role> parse_role(std::string_view code);

}  // namespace musubi::domain
