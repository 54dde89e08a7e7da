#include "storage/users.hpp"

#include "storage/database.hpp"
#include "storage/sessions.hpp"

namespace musubi::storage {

namespace {

constexpr const char* kUserColumns =
    "SELECT u.id, u.login, u.name, u.password_hash, u.org_id, o.code, o.name, o.type, "
    "o.retired_on IS NULL, u.profession, u.role, u.disabled, u.confirmed_on, u.created_ms, "
    "u.totp_enabled_ms IS NOT NULL "
    "FROM users u JOIN organizations o ON o.id = u.org_id ";

User read_user(const Statement& st) {
  User u;
  u.id = st.int64(0);
  u.login = st.text(1);
  u.name = st.text(2);
  u.password_hash = st.text(3);
  u.org_id = st.int64(4);
  u.org_code = st.text(5);
  u.org_name = st.text(6);
  u.org_type = st.text(7);
  u.org_active = st.int64(8) != 0;
  u.profession = st.text(9);
  u.role = st.text(10);
  u.disabled = st.int64(11) != 0;
  if (!st.is_null(12)) u.confirmed_on = st.text(12);
  u.created_ms = st.int64(13);
  u.two_factor = st.int64(14) != 0;
  return u;
}

std::optional<User> find_one(Statement& st) {
  std::optional<User> user;
  if (st.step()) user = read_user(st);
  st.reset();
  return user;
}

}  // namespace

std::optional<User> find_user_by_login(Database& db, std::string_view login) {
  return find_one(db.prepare(std::string(kUserColumns) + "WHERE u.login = ?").bind(1, login));
}

std::optional<User> find_user_by_id(Database& db, std::int64_t id) {
  return find_one(db.prepare(std::string(kUserColumns) + "WHERE u.id = ?").bind(1, id));
}

std::vector<User> list_users(Database& db, std::optional<std::int64_t> org_id) {
  auto& st =
      db.prepare(std::string(kUserColumns) + "WHERE ?1 IS NULL OR u.org_id = ?1 ORDER BY u.login");
  st.bind(1, org_id);
  std::vector<User> users;
  while (st.step())
    users.push_back(read_user(st));
  return users;
}

std::int64_t count_users(Database& db) {
  auto& st = db.prepare("SELECT COUNT(*) FROM users");
  st.step();
  const auto n = st.int64(0);
  st.reset();
  return n;
}

std::optional<std::int64_t> insert_user(Database& db, const NewUser& user, std::int64_t now_ms) {
  auto& st = db.prepare(
      "INSERT INTO users (login, name, password_hash, org_id, profession, role, created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING");
  st.bind(1, user.login).bind(2, user.name).bind(3, user.password_hash).bind(4, user.org_id);
  st.bind(5, user.profession).bind(6, user.role).bind(7, now_ms).run();
  if (db.changes() == 0) return std::nullopt;
  return db.last_insert_rowid();
}

bool set_user_disabled(Database& db, std::string_view login, bool disabled, std::int64_t now_ms) {
  const auto user = find_user_by_login(db, login);
  if (!user) return false;
  db.prepare("UPDATE users SET disabled = ? WHERE id = ?")
      .bind(1, disabled ? 1 : 0)
      .bind(2, user->id)
      .run();
  if (disabled) revoke_user_sessions(db, user->id, now_ms, "disabled");
  return true;
}

bool set_password_hash(Database& db, std::string_view login, std::string_view password_hash) {
  db.prepare("UPDATE users SET password_hash = ? WHERE login = ?")
      .bind(1, password_hash)
      .bind(2, login)
      .run();
  return db.changes() > 0;
}

bool set_confirmed_on(Database& db, std::string_view login, std::string_view date) {
  db.prepare("UPDATE users SET confirmed_on = ? WHERE login = ?")
      .bind(1, date)
      .bind(2, login)
      .run();
  return db.changes() > 0;
}

std::vector<User> search_directory(Database& db, const DirectoryQuery& query) {
  auto& st = db.prepare(std::string(kUserColumns) +
                        "WHERE u.disabled = 0 AND o.retired_on IS NULL AND u.role <> 'city_admin' "
                        "AND (?1 IS NULL OR instr(lower(u.login), lower(?1)) > 0 "
                        "OR instr(lower(u.name), lower(?1)) > 0) "
                        "AND (?2 IS NULL OR u.profession = ?2) AND (?3 IS NULL OR o.code = ?3) "
                        "ORDER BY u.login LIMIT ?4");
  st.bind(1, query.query).bind(2, query.profession).bind(3, query.org_code).bind(4, query.limit);
  std::vector<User> users;
  while (st.step())
    users.push_back(read_user(st));
  return users;
}

std::unordered_map<std::int64_t, UserCounts> count_users_by_org(Database& db) {
  auto& st = db.prepare("SELECT org_id, COUNT(*), SUM(disabled = 0) FROM users GROUP BY org_id");
  std::unordered_map<std::int64_t, UserCounts> counts;
  while (st.step())
    counts[st.int64(0)] = UserCounts{st.int64(1), st.int64(2)};
  return counts;
}

SigninFailures signin_failures(Database& db, std::string_view login) {
  auto& st =
      db.prepare(
            "SELECT failures, locked_until, last_failure_ms FROM signin_failures WHERE login = ?")
          .bind(1, login);
  SigninFailures state;
  if (st.step()) {
    state.failures = st.int64(0);
    state.locked_until_ms = st.int64(1);
    state.last_failure_ms = st.int64(2);
  }
  st.reset();
  return state;
}

void save_signin_failures(Database& db, std::string_view login, const SigninFailures& state) {
  db.prepare(
        "INSERT INTO signin_failures (login, failures, locked_until, last_failure_ms) "
        "VALUES (?, ?, ?, ?) "
        "ON CONFLICT (login) DO UPDATE SET failures = excluded.failures, "
        "locked_until = excluded.locked_until, last_failure_ms = excluded.last_failure_ms")
      .bind(1, login)
      .bind(2, state.failures)
      .bind(3, state.locked_until_ms)
      .bind(4, state.last_failure_ms)
      .run();
}

void clear_signin_failures(Database& db, std::string_view login) {
  db.prepare("DELETE FROM signin_failures WHERE login = ?").bind(1, login).run();
}

}  // namespace musubi::storage
