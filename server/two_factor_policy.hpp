#pragma once

#include <algorithm>
#include <string_view>

#include "server/config.hpp"
#include "storage/users.hpp"

namespace musubi::server {

// Whether people of this network role must sign in with a second factor.
inline bool two_factor_required(const SecurityConfig& security, std::string_view role) {
  return std::ranges::find(security.two_factor_roles, role) != security.two_factor_roles.end();
}

// A user whose role requires a second factor but who has none yet: their session may only enrol.
inline bool must_enrol(const SecurityConfig& security, const storage::User& user) {
  return !user.two_factor && two_factor_required(security, user.role);
}

}  // namespace musubi::server
