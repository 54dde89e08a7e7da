#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// Read receipts (既読): how far each member has read a room.
namespace op {
inline constexpr std::string_view mark_read = "room.mark_read";
inline constexpr std::string_view read_state = "room.read_state";
inline constexpr std::string_view share_read_state = "room.share_read_state";
}  // namespace op

namespace event {
inline constexpr std::string_view room_read = "room.read";  // a member read up to a seq
}  // namespace event

// The caller has read the room up to `seq` (inclusive).
struct MarkRead {
  std::string room;
  std::int64_t seq = 0;
};

// Whether members see each other's read state (a room administrator's setting).
struct ShareReadState {
  std::string room;
  bool shared = true;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, MarkRead& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, ShareReadState& out);

}  // namespace musubi::protocol
