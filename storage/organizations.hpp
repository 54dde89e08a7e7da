#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

struct Organization {
  std::int64_t id = 0;
  std::string code;  // short stable id used by administrators and CSV files
  std::string name;
  std::string type;
  std::string address;
  std::string municipality;
  std::string association;
  std::string association_area;
  std::string registered_on;              // YYYY-MM-DD
  std::optional<std::string> retired_on;  // set: no longer a member of the network
  std::int64_t created_ms = 0;
};

// Inserts; nullopt when the code is taken.
std::optional<std::int64_t> insert_organization(Database& db, const Organization& org);
std::optional<Organization> find_organization(Database& db, std::string_view code);
std::optional<Organization> find_organization_by_id(Database& db, std::int64_t id);
std::vector<Organization> list_organizations(Database& db);

// Marks an organization retired and revokes every session of its users; false when unknown or
// already retired.
bool retire_organization(Database& db, std::string_view code, std::string_view retired_on,
                         std::int64_t now_ms);

std::int64_t count_organizations(Database& db);

}  // namespace musubi::storage
