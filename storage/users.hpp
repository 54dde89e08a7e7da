#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

struct User {
  std::int64_t id = 0;
  std::string login;
  std::string name;
  std::string password_hash;  // Argon2id, in libsodium's encoded form (parameters included)
  bool is_admin = false;
  bool disabled = false;
  std::int64_t created_ms = 0;
};

struct NewUser {
  std::string login;
  std::string name;
  std::string password_hash;
  bool is_admin = false;
};

std::optional<User> find_user_by_login(Database& db, std::string_view login);
std::optional<User> find_user_by_id(Database& db, std::int64_t id);
std::vector<User> list_users(Database& db);
std::int64_t count_users(Database& db);

// Inserts a user; nullopt when the login is already taken.
std::optional<std::int64_t> insert_user(Database& db, const NewUser& user, std::int64_t now_ms);

// Disables or re-enables a user; disabling also revokes every session of the user. Returns false
// when no such login exists.
bool set_user_disabled(Database& db, std::string_view login, bool disabled, std::int64_t now_ms);

// Replaces the password hash; returns false when no such login exists.
bool set_password_hash(Database& db, std::string_view login, std::string_view password_hash);

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
