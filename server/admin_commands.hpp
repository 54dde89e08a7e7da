#pragma once

#include <iosfwd>
#include <string>

#include "server/config.hpp"

namespace musubi::server {

// `musubid user ...`: administration straight on the database file, safe while the server runs
// (SQLite serialises the writes; the server notices disabled users within a poll interval).
// Each returns the process exit code and writes its report to `out`, its errors to `err`.
// `musubid org ...`.
struct OrgSpec {
  std::string code;
  std::string name;
  std::string type;  // domain::OrgType code
  std::string address;
  std::string municipality;
  std::string association;
  std::string association_area;
  std::string registered_on;  // YYYY-MM-DD; empty: today
};

// Registers an organization under the membership rule (server/domain/organization_rules.hpp).
int org_add(const ServerConfig& config, const OrgSpec& org, std::ostream& out, std::ostream& err);
int org_list(const ServerConfig& config, bool json, std::ostream& out, std::ostream& err);

struct UserSpec {
  std::string login;
  std::string name;
  std::string org;         // organization code
  std::string profession;  // domain::Profession code
  std::string role = "member";
};

int user_add(const ServerConfig& config, const UserSpec& user, std::istream& password_in,
             std::ostream& out, std::ostream& err);
int user_list(const ServerConfig& config, bool json, std::ostream& out, std::ostream& err);
int user_set_disabled(const ServerConfig& config, const std::string& login, bool disabled,
                      std::ostream& out, std::ostream& err);
int user_passwd(const ServerConfig& config, const std::string& login, std::istream& password_in,
                std::ostream& out, std::ostream& err);

// A login: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.
bool valid_login(const std::string& login);

inline constexpr std::size_t kMinPasswordLength = 8;

}  // namespace musubi::server
