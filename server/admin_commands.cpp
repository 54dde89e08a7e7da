#include "server/admin_commands.hpp"

#include <iostream>
#include <termios.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/data_directory.hpp"
#include "server/password_hasher.hpp"
#include "storage/audit.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"

namespace musubi::server {

namespace {

std::unique_ptr<storage::Database> open_database(const ServerConfig& config) {
  prepare_data_directory(config);
  auto db = std::make_unique<storage::Database>(
      config.database_path(), storage::OpenMode::read_write, config.storage.synchronous);
  storage::migrate(*db);
  return db;
}

// Reads one line; on a terminal, prompts and hides the typing.
std::string read_password(std::istream& in, std::ostream& err) {
  const bool terminal = &in == &std::cin && ::isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    err << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(in, password);
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

bool check_password(const std::string& password, std::ostream& err) {
  if (protocol::utf8_length(password) < kMinPasswordLength) {
    err << "musubid: the password must have at least " << kMinPasswordLength << " characters\n";
    return false;
  }
  return true;
}

PasswordHasher hasher_for(const ServerConfig& config) {
  return PasswordHasher(config.security.argon2_ops, config.security.argon2_memory_kib);
}

}  // namespace

bool valid_login(const std::string& login) {
  if (login.empty() || login.size() > 64) return false;
  for (std::size_t i = 0; i < login.size(); ++i) {
    const char c = login[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

int user_add(const ServerConfig& config, const std::string& login, const std::string& name,
             bool admin, std::istream& password_in, std::ostream& out, std::ostream& err) {
  if (!valid_login(login)) {
    err << "musubid: a login is 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a "
           "letter or digit\n";
    return 2;
  }
  const auto name_length = protocol::utf8_length(name);
  if (!protocol::is_valid_utf8(name) || protocol::has_control_characters(name) ||
      name_length == 0 || name_length > 100) {
    err << "musubid: --name must be 1-100 characters of UTF-8 text without control characters\n";
    return 2;
  }
  const std::string password = read_password(password_in, err);
  if (!check_password(password, err)) return 2;
  const std::string hash = hasher_for(config).hash(password);
  auto db = open_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  if (!storage::insert_user(*db, storage::NewUser{login, name, hash, admin}, now_ms())) {
    err << "musubid: login \"" << login << "\" is already taken\n";
    return 1;
  }
  storage::append_audit(*db, now_ms(), std::nullopt, "user.add", std::nullopt,
                        "user=" + login + " by=console" + (admin ? " admin" : ""));
  tx.commit();
  out << "added user " << login << (admin ? " (administrator)" : "") << "\n";
  return 0;
}

int user_list(const ServerConfig& config, bool json, std::ostream& out, std::ostream&) {
  auto db = open_database(config);
  const auto users = storage::list_users(*db);
  for (const auto& u : users) {
    if (json) {
      out << nlohmann::json{{"login", u.login},
                            {"name", u.name},
                            {"admin", u.is_admin},
                            {"disabled", u.disabled},
                            {"created", protocol::format_timestamp(u.created_ms)}}
                 .dump()
          << "\n";
    } else {
      out << u.login << "\t" << u.name << "\t" << (u.is_admin ? "admin" : "-") << "\t"
          << (u.disabled ? "disabled" : "active") << "\n";
    }
  }
  return 0;
}

int user_set_disabled(const ServerConfig& config, const std::string& login, bool disabled,
                      std::ostream& out, std::ostream& err) {
  auto db = open_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  if (!storage::set_user_disabled(*db, login, disabled, now_ms())) {
    err << "musubid: no user \"" << login << "\"\n";
    return 1;
  }
  storage::append_audit(*db, now_ms(), std::nullopt, disabled ? "user.disable" : "user.enable",
                        std::nullopt, "user=" + login + " by=console");
  tx.commit();
  out << (disabled ? "disabled " : "enabled ") << login << "\n";
  return 0;
}

int user_passwd(const ServerConfig& config, const std::string& login, std::istream& password_in,
                std::ostream& out, std::ostream& err) {
  const std::string password = read_password(password_in, err);
  if (!check_password(password, err)) return 2;
  const std::string hash = hasher_for(config).hash(password);
  auto db = open_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  if (!storage::set_password_hash(*db, login, hash)) {
    err << "musubid: no user \"" << login << "\"\n";
    return 1;
  }
  // A new password ends every existing session: whoever knew the old one is signed out.
  const auto user = storage::find_user_by_login(*db, login);
  storage::revoke_user_sessions(*db, user->id, now_ms(), "revoked");
  storage::append_audit(*db, now_ms(), std::nullopt, "user.passwd", std::nullopt,
                        "user=" + login + " by=console");
  tx.commit();
  out << "password changed for " << login << "; their sessions are signed out\n";
  return 0;
}

}  // namespace musubi::server
