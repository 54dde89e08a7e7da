#include "server/admin_commands.hpp"

#include <fstream>
#include <iostream>
#include <sstream>
#include <termios.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/csv_import.hpp"
#include "server/data_directory.hpp"
#include "server/domain/organization_rules.hpp"
#include "server/password_hasher.hpp"
#include "server/random_secrets.hpp"
#include "server/user_view.hpp"
#include "storage/audit.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/organizations.hpp"
#include "storage/sessions.hpp"
#include "storage/two_factor.hpp"
#include "storage/users.hpp"

namespace musubi::server {

namespace {

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

// The whole file, or nullopt (reported on `err`) when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& file, std::ostream& err) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    err << "musubid: cannot read " << file.string() << "\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// "1 user", "2 users".
std::string count_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// Reports each bad row as "FILE: line N: code: message"; true when there was any.
bool report(const std::filesystem::path& file, const std::vector<ImportProblem>& problems,
            std::ostream& err) {
  for (const auto& p : problems)
    err << file.string() << ": " << to_string(p) << "\n";
  return !problems.empty();
}

// Applies `change(db, user)` to the user called `login` in one transaction and returns 0, or
// reports that there is no such user and returns 1.
template <class Change>
int change_user(const ServerConfig& config, const std::string& login, std::ostream& err,
                Change change) {
  auto db = open_admin_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  const auto user = storage::find_user_by_login(*db, login);
  if (!user) {
    err << "musubid: no user \"" << login << "\"\n";
    return 1;
  }
  change(*db, *user);
  tx.commit();
  return 0;
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

int org_add(const ServerConfig& config, const OrgSpec& spec, std::ostream& out, std::ostream& err) {
  const auto type = domain::parse_org_type(spec.type);
  if (!type) {
    err << "musubid: unknown organization type \"" << spec.type << "\"\n";
    return 2;
  }
  if (spec.code.empty() || spec.name.empty() || !valid_login(spec.code)) {
    err << "musubid: an organization needs a code (like a login: a-z, 0-9, '.', '_', '-') and "
           "a name\n";
    return 2;
  }
  if (!spec.registered_on.empty() && !protocol::is_calendar_date(spec.registered_on)) {
    err << "musubid: --registered-on must be a date YYYY-MM-DD\n";
    return 2;
  }
  if (auto refusal = domain::check_registration(
          {*type, spec.municipality, spec.association, spec.association_area},
          config.municipality)) {
    err << "musubid: refused: " << refusal->message << " (" << refusal->code << ")\n";
    return 1;
  }
  auto db = open_admin_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  const auto now = now_ms();
  storage::Organization org;
  org.code = spec.code;
  org.name = spec.name;
  org.type = spec.type;
  org.address = spec.address;
  org.municipality = spec.municipality;
  org.association = spec.association;
  org.association_area = spec.association_area;
  org.registered_on = spec.registered_on.empty() ? local_date(now) : spec.registered_on;
  org.created_ms = now;
  if (!storage::insert_organization(*db, org)) {
    err << "musubid: organization code \"" << spec.code << "\" is already taken\n";
    return 1;
  }
  storage::append_audit(*db, now, std::nullopt, "org.register", std::nullopt,
                        "org=" + spec.code + " by=console");
  tx.commit();
  out << "registered " << spec.code << " (" << spec.name << ")\n";
  return 0;
}

int org_list(const ServerConfig& config, bool json, std::ostream& out, std::ostream&) {
  auto db = open_admin_database(config);
  for (const auto& o : storage::list_organizations(*db)) {
    if (json) {
      out << nlohmann::json{{"code", o.code},
                            {"name", o.name},
                            {"type", o.type},
                            {"municipality", o.municipality},
                            {"association", o.association},
                            {"registered_on", o.registered_on},
                            {"retired_on", o.retired_on ? nlohmann::json(*o.retired_on) : nullptr}}
                 .dump()
          << "\n";
    } else {
      out << o.code << "\t" << o.name << "\t" << o.type << "\t" << o.municipality << "\t"
          << (o.retired_on ? "retired" : "active") << "\n";
    }
  }
  return 0;
}

int user_add(const ServerConfig& config, const UserSpec& user, std::istream& password_in,
             std::ostream& out, std::ostream& err) {
  const auto& login = user.login;
  const auto& name = user.name;
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
  const auto profession = domain::parse_profession(user.profession);
  const auto role = domain::parse_role(user.role);
  if (!profession || !role) {
    err << "musubid: unknown " << (profession ? "role" : "profession") << " \""
        << (profession ? user.role : user.profession) << "\" (see docs/VOCABULARY.md)\n";
    return 2;
  }
  const std::string password = read_password(password_in, err);
  if (!check_password(password, err)) return 2;
  const std::string hash = hasher_for(config).hash(password);
  auto db = open_admin_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  const auto org = storage::find_organization(*db, user.org);
  if (!org) {
    err << "musubid: no organization \"" << user.org << "\"\n";
    return 1;
  }
  if (auto refusal = domain::check_user_placement(
          *role, domain::parse_org_type(org->type).value_or(domain::OrgType::clinic),
          !org->retired_on)) {
    err << "musubid: " << refusal->message << " (" << refusal->code << ")\n";
    return 1;
  }
  if (!storage::insert_user(
          *db, storage::NewUser{login, name, hash, org->id, user.profession, user.role},
          now_ms())) {
    err << "musubid: login \"" << login << "\" is already taken\n";
    return 1;
  }
  storage::append_audit(
      *db, now_ms(), std::nullopt, "user.add", std::nullopt,
      "user=" + login + " org=" + org->code + " role=" + user.role + " by=console");
  tx.commit();
  out << "added user " << login << " to " << org->code << " as " << user.role << "\n";
  return 0;
}

int user_list(const ServerConfig& config, bool json, std::ostream& out, std::ostream&) {
  auto db = open_admin_database(config);
  const auto users = storage::list_users(*db);
  for (const auto& u : users) {
    if (json) {
      auto view = user_view(u);
      view["disabled"] = u.disabled;
      view["confirmed_on"] = u.confirmed_on ? nlohmann::json(*u.confirmed_on) : nullptr;
      view["created"] = protocol::format_timestamp(u.created_ms);
      out << view.dump() << "\n";
    } else {
      out << u.login << "\t" << u.name << "\t" << u.org_code << "\t" << u.profession << "\t"
          << u.role << "\t" << (u.disabled ? "disabled" : "active") << "\n";
    }
  }
  return 0;
}

int user_set_disabled(const ServerConfig& config, const std::string& login, bool disabled,
                      std::ostream& out, std::ostream& err) {
  const int status = change_user(config, login, err, [&](storage::Database& db, const auto&) {
    storage::set_user_disabled(db, login, disabled, now_ms());
    storage::append_audit(db, now_ms(), std::nullopt, disabled ? "user.disable" : "user.enable",
                          std::nullopt, "user=" + login + " by=console");
  });
  if (status == 0) out << (disabled ? "disabled " : "enabled ") << login << "\n";
  return status;
}

int user_revoke_sessions(const ServerConfig& config, const std::string& login, std::ostream& out,
                         std::ostream& err) {
  std::int64_t revoked = 0;
  const int status = change_user(config, login, err, [&](storage::Database& db, const auto& user) {
    revoked = storage::revoke_user_sessions(db, user.id, now_ms(), "revoked");
    storage::append_audit(db, now_ms(), std::nullopt, "user.revoke_sessions", std::nullopt,
                          "user=" + login + " sessions=" + std::to_string(revoked) + " by=console");
  });
  if (status == 0) {
    out << "revoked " << revoked << " session" << (revoked == 1 ? "" : "s") << " of " << login
        << "\n";
  }
  return status;
}

int user_reset_two_factor(const ServerConfig& config, const std::string& login, std::ostream& out,
                          std::ostream& err) {
  const int status = change_user(config, login, err, [&](storage::Database& db, const auto& user) {
    // Whoever holds the lost phone may also hold a remembered session on it.
    storage::disable_totp(db, user.id);
    storage::revoke_user_sessions(db, user.id, now_ms(), "revoked");
    storage::append_audit(db, now_ms(), std::nullopt, "user.reset_two_factor", std::nullopt,
                          "user=" + login + " by=console");
  });
  if (status == 0) {
    out << "two-factor sign-in reset for " << login
        << "; their sessions are revoked, and they enrol again at their next sign-in\n";
  }
  return status;
}

int user_passwd(const ServerConfig& config, const std::string& login, std::istream& password_in,
                std::ostream& out, std::ostream& err) {
  const std::string password = read_password(password_in, err);
  if (!check_password(password, err)) return 2;
  const std::string hash = hasher_for(config).hash(password);
  const int status = change_user(config, login, err, [&](storage::Database& db, const auto& user) {
    storage::set_password_hash(db, login, hash);
    // A new password ends every existing session: whoever knew the old one is signed out.
    storage::revoke_user_sessions(db, user.id, now_ms(), "revoked");
    storage::append_audit(db, now_ms(), std::nullopt, "user.passwd", std::nullopt,
                          "user=" + login + " by=console");
  });
  if (status == 0) out << "password changed for " << login << "; their sessions are signed out\n";
  return status;
}

int org_retire(const ServerConfig& config, const std::string& code, const std::string& retired_on,
               std::ostream& out, std::ostream& err) {
  if (!retired_on.empty() && !protocol::is_calendar_date(retired_on)) {
    err << "musubid: --on must be a date YYYY-MM-DD\n";
    return 2;
  }
  auto db = open_admin_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  const auto org = storage::find_organization(*db, code);
  if (!org) {
    err << "musubid: no organization \"" << code << "\"\n";
    return 1;
  }
  if (org->type == domain::to_string(domain::OrgType::municipal_office)) {
    err << "musubid: the city's own office runs the network and cannot be retired\n";
    return 1;
  }
  if (org->retired_on) {
    err << "musubid: " << code << " was already retired on " << *org->retired_on << "\n";
    return 1;
  }
  const auto now = now_ms();
  const auto on = retired_on.empty() ? local_date(now) : retired_on;
  const auto users = storage::list_users(*db, org->id).size();
  storage::retire_organization(*db, code, on, now);
  storage::append_audit(
      *db, now, std::nullopt, "org.retire", std::nullopt,
      "org=" + code + " on=" + on + " users=" + std::to_string(users) + " by=console");
  tx.commit();
  out << "retired " << code << " on " << on << "; its " << users
      << " users are signed out and can no longer sign in\n";
  return 0;
}

int org_import(const ServerConfig& config, const std::filesystem::path& file, std::ostream& out,
               std::ostream& err) {
  const auto text = read_file(file, err);
  if (!text) return 1;
  auto db = open_admin_database(config);
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  const auto now = now_ms();
  const auto plan = plan_org_import(*db, *text, config.municipality, local_date(now));
  if (report(file, plan.problems, err)) {
    err << "musubid: " << count_of(plan.problems.size(), "bad row") << "; nothing imported\n";
    return 1;
  }
  apply_org_import(*db, plan, now);
  tx.commit();
  out << "imported " << count_of(plan.rows.size(), "organization") << " from " << file.string()
      << "\n";
  return 0;
}

int user_import(const ServerConfig& config, const std::filesystem::path& file,
                const std::optional<std::filesystem::path>& orgs_file, std::ostream& out,
                std::ostream& err) {
  const auto users_text = read_file(file, err);
  if (!users_text) return 1;
  std::optional<std::string> orgs_text;
  if (orgs_file) {
    orgs_text = read_file(*orgs_file, err);
    if (!orgs_text) return 1;
  }
  auto db = open_admin_database(config);
  // Checks both files against the database as it is now; true when nothing is wrong.
  OrgImportPlan orgs;
  UserImportPlan users;
  auto plan = [&](std::int64_t now) {
    if (orgs_text) orgs = plan_org_import(*db, *orgs_text, config.municipality, local_date(now));
    users = plan_user_import(*db, *users_text, orgs.rows);
    const bool bad =
        (orgs_file && report(*orgs_file, orgs.problems, err)) | report(file, users.problems, err);
    if (bad) {
      err << "musubid: " << count_of(orgs.problems.size() + users.problems.size(), "bad row")
          << "; nothing imported\n";
    }
    return !bad;
  };
  if (!plan(now_ms())) return 1;
  // Argon2id is slow on purpose: hash outside the transaction, so that a running server is not
  // kept from writing meanwhile, then check again inside it.
  const auto hasher = hasher_for(config);
  std::vector<std::string> passwords;
  std::vector<std::string> hashes;
  for (const auto& row : users.rows) {
    passwords.push_back(row.password.empty() ? new_bootstrap_password() : row.password);
    hashes.push_back(hasher.hash(passwords.back()));
  }
  const auto rows = users.rows.size();
  storage::Transaction tx(*db, storage::Transaction::Kind::immediate);
  const auto now = now_ms();
  if (!plan(now)) return 1;
  if (users.rows.size() != rows) throw std::logic_error("the users file changed while importing");
  apply_org_import(*db, orgs, now);
  apply_user_import(*db, users, hashes, now);
  tx.commit();
  out << "imported " << count_of(rows, "user");
  if (orgs_file) out << " and " << count_of(orgs.rows.size(), "organization");
  out << "\n";
  bool header = false;
  for (std::size_t i = 0; i < rows; ++i) {
    if (!users.rows[i].password.empty()) continue;
    if (!header) {
      out << "one-time passwords (shown only this once; hand each to its user):\n";
      header = true;
    }
    out << users.rows[i].login << "\t" << passwords[i] << "\n";
  }
  return 0;
}

}  // namespace musubi::server
