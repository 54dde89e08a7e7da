#pragma once

#include "server/domain/participation.hpp"
#include "storage/users.hpp"

namespace musubi::server {

// What the domain rules need to know of a stored user.
inline domain::PersonFacts person_facts(const storage::User& user) {
  domain::PersonFacts facts;
  facts.role = domain::parse_role(user.role).value_or(domain::Role::member);
  facts.profession =
      domain::parse_profession(user.profession).value_or(domain::Profession::office_staff);
  facts.org_type = domain::parse_org_type(user.org_type).value_or(domain::OrgType::clinic);
  facts.org_active = user.org_active;
  facts.disabled = user.disabled;
  return facts;
}

}  // namespace musubi::server
