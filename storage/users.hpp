#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace musubi::storage {

class Database;

// A user with what the rules need of their organization.
struct User {
  std::int64_t id = 0;
  std::string login;
  std::string name;
  std::string password_hash;  // Argon2id, in libsodium's encoded form (parameters included)
  std::int64_t org_id = 0;
  std::string org_code;
  std::string org_name;
  std::string org_type;
  bool org_active = true;  // the organization is not retired
  std::string profession;
  std::string role;  // city_admin, org_contact or member
  bool disabled = false;
  std::optional<std::string> confirmed_on;  // last yearly confirmation by the org's contact
  std::int64_t created_ms = 0;
  bool two_factor = false;  // signs in with a TOTP code (storage/two_factor.hpp)
};

struct NewUser {
  std::string login;
  std::string name;
  std::string password_hash;
  std::int64_t org_id = 0;
  std::string profession;
  std::string role = "member";
};

std::optional<User> find_user_by_login(Database& db, std::string_view login);
std::optional<User> find_user_by_id(Database& db, std::int64_t id);
// Every user, or those of one organization, by login.
std::vector<User> list_users(Database& db, std::optional<std::int64_t> org_id = std::nullopt);
std::int64_t count_users(Database& db);

// Records that the organization's contact confirmed, on `date`, that the user still works there.
bool set_confirmed_on(Database& db, std::string_view login, std::string_view date);

// Inserts a user; nullopt when the login is already taken.
std::optional<std::int64_t> insert_user(Database& db, const NewUser& user, std::int64_t now_ms);

// Disables or re-enables a user; disabling also revokes every session of the user. Returns false
// when no such login exists.
bool set_user_disabled(Database& db, std::string_view login, bool disabled, std::int64_t now_ms);

// Replaces the password hash; returns false when no such login exists.
bool set_password_hash(Database& db, std::string_view login, std::string_view password_hash);

// The directory of colleagues (directory.search): enabled users of active organizations, never
// city administrators, whose login or name contains `query` (ASCII case-insensitive), filtered
// by profession and organization code when given, by login, at most `limit`.
struct DirectoryQuery {
  std::optional<std::string> query;
  std::optional<std::string> profession;
  std::optional<std::string> org_code;
  std::int64_t limit = 50;
};
std::vector<User> search_directory(Database& db, const DirectoryQuery& query);

// Users per organization id: how many in all and how many enabled.
struct UserCounts {
  std::int64_t total = 0;
  std::int64_t enabled = 0;
};
std::unordered_map<std::int64_t, UserCounts> count_users_by_org(Database& db);

// Failed sign-ins per login text (known or not).
struct SigninFailures {
  std::int64_t failures = 0;
  std::int64_t locked_until_ms = 0;
  std::int64_t last_failure_ms = 0;
};

SigninFailures signin_failures(Database& db, std::string_view login);
void save_signin_failures(Database& db, std::string_view login, const SigninFailures& state);
void clear_signin_failures(Database& db, std::string_view login);

}  // namespace musubi::storage
