#pragma once

#include <nlohmann/json.hpp>

#include "storage/users.hpp"

namespace musubi::server {

// How a user appears on the wire: {login, name, role, profession, org: {code, name}}.
nlohmann::json user_view(const storage::User& user);

// Whether the user may sign in and act: enabled, and their organization still a member.
inline bool is_active(const storage::User& user) {
  return !user.disabled && user.org_active;
}

}  // namespace musubi::server
