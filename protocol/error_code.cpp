#include "protocol/error_code.hpp"

namespace musubi::protocol {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::malformed_json: return "malformed_json";
    case Errc::too_deep: return "too_deep";
    case Errc::unsupported_frame: return "unsupported_frame";
    case Errc::invalid_request: return "invalid_request";
    case Errc::unknown_op: return "unknown_op";
    case Errc::unauthenticated: return "unauthenticated";
    case Errc::invalid_credentials: return "invalid_credentials";
    case Errc::locked_out: return "locked_out";
    case Errc::invalid_token: return "invalid_token";
    case Errc::not_found: return "not_found";
    case Errc::forbidden: return "forbidden";
    case Errc::too_large: return "too_large";
    case Errc::rate_limited: return "rate_limited";
    case Errc::conflict: return "conflict";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal";
    case Errc::association_required: return "association_required";
    case Errc::association_not_local: return "association_not_local";
    case Errc::not_in_city: return "not_in_city";
    case Errc::not_resident: return "not_resident";
    case Errc::consent_required: return "consent_required";
    case Errc::room_exists: return "room_exists";
    case Errc::city_staff_excluded: return "city_staff_excluded";
    case Errc::organization_inactive: return "organization_inactive";
    case Errc::user_disabled: return "user_disabled";
    case Errc::not_a_physician: return "not_a_physician";
    case Errc::invalid_state: return "invalid_state";
    case Errc::stand_in_not_eligible: return "stand_in_not_eligible";
    case Errc::room_closed: return "room_closed";
    case Errc::second_factor_required: return "second_factor_required";
    case Errc::enrolment_required: return "enrolment_required";
  }
  return "internal";
}

std::optional<Errc> errc_from_string(std::string_view name) noexcept {
  for (int i = 0; i <= static_cast<int>(Errc::enrolment_required); ++i) {
    const auto code = static_cast<Errc>(i);
    if (to_string(code) == name) return code;
  }
  return std::nullopt;
}

bool is_fatal(Errc code) noexcept {
  return code == Errc::malformed_json || code == Errc::too_deep || code == Errc::unsupported_frame;
}

unsigned short close_code_for(Errc code) noexcept {
  switch (code) {
    case Errc::malformed_json: return close_code::invalid_payload;
    case Errc::too_deep: return close_code::policy_violation;
    case Errc::unsupported_frame: return close_code::unsupported_data;
    default: return close_code::normal;
  }
}

}  // namespace musubi::protocol
