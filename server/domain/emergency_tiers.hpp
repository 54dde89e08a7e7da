#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/domain/notification_routing.hpp"

namespace musubi::domain {

// A contact of an emergency plan: its place in the calling order and, when the contact is a
// member of the room, their login.
struct PlanContact {
  int order = 0;
  std::optional<std::string> member;
};

// The order in which members are alerted when `raiser` raises an emergency: the plan's contacts
// that are members, grouped by their order (one tier per order value, lowest first, a member
// only in their first tier), then every other member as the last tier. Without a plan, or when
// none of its contacts is a member, that last tier is the only one. The raiser is never alerted.
std::vector<std::vector<std::int64_t>> emergency_tiers(std::span<const PlanContact> contacts,
                                                       std::span<const RoomMember> members,
                                                       std::int64_t raiser);

}  // namespace musubi::domain
