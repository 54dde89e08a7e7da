#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// Emergency call (急変時の緊急連絡). A member answers with room.acknowledge on the raise entry.
namespace op {
inline constexpr std::string_view raise_emergency = "emergency.raise";
inline constexpr std::string_view emergency_status = "emergency.status";
inline constexpr std::string_view close_emergency = "emergency.close";
}  // namespace op

// How an emergency ended, with its labels (Japanese first).
struct EmergencyOutcome {
  std::string_view code;
  std::string_view ja;
  std::string_view en;
};
std::span<const EmergencyOutcome> emergency_outcomes();

struct RaiseEmergency {
  std::string room;
  std::optional<std::string> note;  // what the helper sees, in a few words
};

// The room's open emergency, or the one named.
struct EmergencyRef {
  std::string room;
  std::optional<std::int64_t> emergency;
};

struct CloseEmergency {
  std::string room;
  std::int64_t emergency = 0;
  std::string outcome;  // a code of emergency_outcomes()
  std::optional<std::string> note;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, RaiseEmergency& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, EmergencyRef& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, CloseEmergency& out);

}  // namespace musubi::protocol
