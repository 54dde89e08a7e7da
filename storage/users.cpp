#include "storage/users.hpp"

#include "storage/database.hpp"
#include "storage/sessions.hpp"

namespace musubi::storage {

namespace {

constexpr const char* kUserColumns =
    "SELECT id, login, name, password_hash, is_admin, disabled, created_ms FROM users ";

User read_user(const Statement& st) {
  User u;
  u.id = st.int64(0);
  u.login = st.text(1);
  u.name = st.text(2);
  u.password_hash = st.text(3);
  u.is_admin = st.int64(4) != 0;
  u.disabled = st.int64(5) != 0;
  u.created_ms = st.int64(6);
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
  return find_one(db.prepare(std::string(kUserColumns) + "WHERE login = ?").bind(1, login));
}

std::optional<User> find_user_by_id(Database& db, std::int64_t id) {
  return find_one(db.prepare(std::string(kUserColumns) + "WHERE id = ?").bind(1, id));
}

std::vector<User> list_users(Database& db) {
  auto& st = db.prepare(std::string(kUserColumns) + "ORDER BY login");
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
      "INSERT INTO users (login, name, password_hash, is_admin, created_ms) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (login) DO NOTHING");
  st.bind(1, user.login).bind(2, user.name).bind(3, user.password_hash);
  st.bind(4, user.is_admin ? 1 : 0).bind(5, now_ms).run();
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
