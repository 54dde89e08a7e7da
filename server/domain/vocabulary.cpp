#include "server/domain/vocabulary.hpp"

#include <array>

namespace musubi::domain {

namespace {

// In enum order: index == static_cast<int>(value).
constexpr std::array<Term, 15> kOrgTypes = {{
    {"hospital", "病院", "Hospital"},
    {"clinic", "診療所", "Clinic"},
    {"dental_clinic", "歯科診療所", "Dental clinic"},
    {"pharmacy", "薬局", "Pharmacy"},
    {"visiting_nursing", "訪問看護ステーション", "Visiting nursing station"},
    {"care_management", "居宅介護支援事業所", "Care management office"},
    {"home_help", "訪問介護事業所", "Home help service"},
    {"day_service", "通所介護事業所", "Day service"},
    {"day_rehabilitation", "通所リハビリテーション事業所", "Day rehabilitation"},
    {"periodic_visit", "定期巡回・随時対応型訪問介護看護", "Periodic-visit 24-hour care"},
    {"night_home_help", "夜間対応型訪問介護", "Night home help"},
    {"welfare_equipment", "福祉用具貸与事業所", "Welfare equipment rental"},
    {"consultation_support", "相談支援事業所", "Consultation support office"},
    {"community_support_center", "地域包括支援センター", "Community general support centre"},
    {"municipal_office", "市役所", "Municipal office"},
}};

constexpr std::array<Term, 14> kProfessions = {{
    {"physician", "医師", "Physician"},
    {"dentist", "歯科医師", "Dentist"},
    {"pharmacist", "薬剤師", "Pharmacist"},
    {"nurse", "看護師", "Nurse"},
    {"care_manager", "介護支援専門員（ケアマネジャー）", "Care manager"},
    {"msw", "医療ソーシャルワーカー", "Medical social worker"},
    {"rehabilitation", "リハビリテーション職（PT・OT・ST）", "Rehabilitation (PT/OT/ST)"},
    {"home_helper", "訪問介護員（ヘルパー）", "Home helper"},
    {"care_worker", "介護職", "Care worker"},
    {"community_support", "地域包括支援センター職員", "Community support centre staff"},
    {"welfare_equipment", "福祉用具専門相談員", "Welfare equipment adviser"},
    {"consultation_support", "相談支援専門員", "Consultation support specialist"},
    {"office_staff", "事務職員", "Office staff"},
    {"city_staff", "市職員", "City staff"},
}};

constexpr std::array<Term, 3> kRoles = {{
    {"city_admin", "市の管理者", "City administrator"},
    {"org_contact", "事業所の担当者", "Organization contact"},
    {"member", "利用者", "Member"},
}};

template <class Enum, std::size_t N>
std::optional<Enum> parse(const std::array<Term, N>& terms, std::string_view code) {
  for (std::size_t i = 0; i < N; ++i) {
    if (terms[i].code == code) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::span<const Term> org_type_terms() {
  return kOrgTypes;
}
std::span<const Term> profession_terms() {
  return kProfessions;
}
std::span<const Term> role_terms() {
  return kRoles;
}

std::string_view to_string(OrgType value) {
  return kOrgTypes[static_cast<std::size_t>(value)].code;
}
std::string_view to_string(Profession value) {
  return kProfessions[static_cast<std::size_t>(value)].code;
}
std::string_view to_string(Role value) {
  return kRoles[static_cast<std::size_t>(value)].code;
}

std::optional<OrgType> parse_org_type(std::string_view code) {
  return parse<OrgType>(kOrgTypes, code);
}
std::optional<Profession> parse_profession(std::string_view code) {
  return parse<Profession>(kProfessions, code);
}
std::optional<Role> parse_role(std::string_view code) {
  return parse<Role>(kRoles, code);
}

}  // namespace musubi::domain
