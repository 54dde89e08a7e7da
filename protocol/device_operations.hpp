#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// A user's own signed-in devices (sessions): list them, sign one out from another.
namespace op {
inline constexpr std::string_view list_devices = "session.devices";
inline constexpr std::string_view revoke_device = "session.revoke";
}  // namespace op

// session.revoke: one of the caller's sessions, by the id session.devices lists.
struct SessionRef {
  std::int64_t session = 0;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, SessionRef& out);

}  // namespace musubi::protocol
