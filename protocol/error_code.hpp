#pragma once

#include <optional>
#include <string_view>

namespace musubi::protocol {

// Every error a client can see. The wire name (to_string) is stable: clients branch on it.
enum class Errc {
  malformed_json,       // frame is not valid JSON (connection then closes)
  too_deep,             // JSON nesting over the limit (connection then closes)
  unsupported_frame,    // binary frame (connection then closes)
  invalid_request,      // envelope or body field missing or of the wrong type
  unknown_op,           // operation name not known
  unauthenticated,      // operation needs a signed-in session
  invalid_credentials,  // wrong login or password (never says which)
  locked_out,           // too many failed sign-ins for this login; retry later
  invalid_token,        // session token unknown, revoked or expired
  not_found,            // room or user does not exist, or is not visible to you
  forbidden,            // you may see it, but your role does not allow this
  too_large,            // a field is over its configured limit
  rate_limited,         // too many requests on this connection
  conflict,             // the request contradicts the current state
  unavailable,          // server is shutting down or storage is failing; retry later
  internal,             // a bug; logged on the server
  // Refusals by the city's rules (server/domain/); the message names the rule.
  association_required,   // an organization must belong to a professional association
  association_not_local,  // outside the city: only through its own location's association
  not_in_city,            // the municipal office must be the city's own
  not_resident,           // patients must live in the city
  consent_required,       // no room without the patient's recorded consent
  room_exists,            // one open room (or request in progress) per patient
  city_staff_excluded,    // city administrators take no part in patients' rooms
  organization_inactive,  // the person's organization is retired
  user_disabled,          // the person is disabled
  not_a_physician,        // the attending physician named is not a physician
  invalid_state,          // the request cannot take this step now
  stand_in_not_eligible,  // a stand-in must be staff of the physician's organization
  room_closed,            // a closed room is read-only
  // Two-factor sign-in (TOTP).
  second_factor_required,  // right password; send it again with a one-time code
  enrolment_required,      // the role requires two-factor sign-in: enrol before anything else
};

// The Errc whose wire name is `name`, if any.
std::optional<Errc> errc_from_string(std::string_view name) noexcept;

// Stable machine-readable name, e.g. "not_found".
std::string_view to_string(Errc code) noexcept;

// Whether the connection is closed after this error is sent (the frame could not be read at all).
bool is_fatal(Errc code) noexcept;

// WebSocket close codes musubi uses (RFC 6455 section 7.4 plus the 4000-4999 private range).
namespace close_code {
inline constexpr unsigned short normal = 1000;
inline constexpr unsigned short going_away = 1001;  // server shutdown
inline constexpr unsigned short unsupported_data = 1003;
inline constexpr unsigned short invalid_payload = 1007;   // malformed JSON
inline constexpr unsigned short policy_violation = 1008;  // JSON nested too deeply
inline constexpr unsigned short too_big = 1009;           // frame over the size limit
inline constexpr unsigned short internal_error = 1011;    // storage failed; resume later
inline constexpr unsigned short slow_consumer = 4001;     // send queue overflowed; resume later
inline constexpr unsigned short session_revoked = 4002;   // signed out or revoked elsewhere
inline constexpr unsigned short account_disabled = 4003;  // the user was disabled
}  // namespace close_code

// The close code used after a fatal error.
unsigned short close_code_for(Errc code) noexcept;

}  // namespace musubi::protocol
