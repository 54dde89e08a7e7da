#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "server/config.hpp"

namespace musubi::server {

// `musubid org ...` and `musubid user ...`: administration straight on the database file, safe
// while the server runs (SQLite serialises the writes; the server notices disabled users and
// retired organizations within a poll interval). Each returns the process exit code (0 done,
// 1 refused or failed, 2 bad arguments) and writes its report to `out`, its errors to `err`.

// An organization to register (`musubid org add`).
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
// Retires an organization on `retired_on` (empty: today) and signs out every one of its users;
// the city's own office cannot be retired.
int org_retire(const ServerConfig& config, const std::string& code, const std::string& retired_on,
               std::ostream& out, std::ostream& err);
// Imports an organizations CSV file (server/csv_import.hpp): every row is checked first, each bad
// row reported on `err` as "FILE: line N: code: message", and the file imported in one
// transaction only when no row is bad. Exit 0 imported, 1 not imported.
int org_import(const ServerConfig& config, const std::filesystem::path& file, std::ostream& out,
               std::ostream& err);

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
// Turns off a user's two-factor sign-in (lost phone and recovery codes) and revokes their
// sessions.
int user_reset_two_factor(const ServerConfig& config, const std::string& login, std::ostream& out,
                          std::ostream& err);
int user_passwd(const ServerConfig& config, const std::string& login, std::istream& password_in,
                std::ostream& out, std::ostream& err);
// Signs every device of the user out (the running server closes their connections within
// timeouts.revocation_poll_ms); the account stays enabled.
int user_revoke_sessions(const ServerConfig& config, const std::string& login, std::ostream& out,
                         std::ostream& err);
// Imports a users CSV file the same way; with `orgs_file`, that organizations file too, in the
// same transaction, so that users may name organizations it registers. Prints each generated
// one-time password with its login on `out` (they are not stored anywhere else).
int user_import(const ServerConfig& config, const std::filesystem::path& file,
                const std::optional<std::filesystem::path>& orgs_file, std::ostream& out,
                std::ostream& err);

// A login: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.
bool valid_login(const std::string& login);

inline constexpr std::size_t kMinPasswordLength = 8;

}  // namespace musubi::server
