#include "server/domain/emergency_tiers.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace musubi::domain {

std::vector<std::vector<std::int64_t>> emergency_tiers(std::span<const PlanContact> contacts,
                                                       std::span<const RoomMember> members,
                                                       std::int64_t raiser) {
  std::map<int, std::vector<std::int64_t>> by_order;
  std::set<std::int64_t> placed = {raiser};
  std::vector<PlanContact> ordered(contacts.begin(), contacts.end());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const PlanContact& a, const PlanContact& b) { return a.order < b.order; });
  for (const auto& contact : ordered) {
    if (!contact.member) continue;
    const auto member = std::find_if(members.begin(), members.end(), [&](const RoomMember& m) {
      return m.login == *contact.member;
    });
    if (member == members.end() || !placed.insert(member->user_id).second) continue;
    by_order[contact.order].push_back(member->user_id);
  }
  std::vector<std::vector<std::int64_t>> tiers;
  tiers.reserve(by_order.size() + 1);
  for (auto& [order, ids] : by_order)
    tiers.push_back(std::move(ids));
  std::vector<std::int64_t> rest;
  for (const auto& m : members) {
    if (placed.insert(m.user_id).second) rest.push_back(m.user_id);
  }
  if (!rest.empty()) tiers.push_back(std::move(rest));
  return tiers;
}

}  // namespace musubi::domain
