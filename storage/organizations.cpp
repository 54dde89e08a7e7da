#include "storage/organizations.hpp"

#include "storage/database.hpp"
#include "storage/sessions.hpp"

namespace musubi::storage {

namespace {

constexpr const char* kColumns =
    "SELECT id, code, name, type, address, municipality, association, association_area, "
    "registered_on, retired_on, created_ms FROM organizations ";

Organization read_organization(const Statement& st) {
  Organization o;
  o.id = st.int64(0);
  o.code = st.text(1);
  o.name = st.text(2);
  o.type = st.text(3);
  o.address = st.text(4);
  o.municipality = st.text(5);
  o.association = st.text(6);
  o.association_area = st.text(7);
  o.registered_on = st.text(8);
  if (!st.is_null(9)) o.retired_on = st.text(9);
  o.created_ms = st.int64(10);
  return o;
}

std::optional<Organization> find_one(Statement& st) {
  std::optional<Organization> found;
  if (st.step()) found = read_organization(st);
  st.reset();
  return found;
}

}  // namespace

std::optional<std::int64_t> insert_organization(Database& db, const Organization& o) {
  db.prepare(
        "INSERT INTO organizations (code, name, type, address, municipality, association, "
        "association_area, registered_on, retired_on, created_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING")
      .bind(1, o.code)
      .bind(2, o.name)
      .bind(3, o.type)
      .bind(4, o.address)
      .bind(5, o.municipality)
      .bind(6, o.association)
      .bind(7, o.association_area)
      .bind(8, o.registered_on)
      .bind(9, o.retired_on)
      .bind(10, o.created_ms)
      .run();
  if (db.changes() == 0) return std::nullopt;
  return db.last_insert_rowid();
}

std::optional<Organization> find_organization(Database& db, std::string_view code) {
  return find_one(db.prepare(std::string(kColumns) + "WHERE code = ?").bind(1, code));
}

std::optional<Organization> find_organization_by_id(Database& db, std::int64_t id) {
  return find_one(db.prepare(std::string(kColumns) + "WHERE id = ?").bind(1, id));
}

std::vector<Organization> list_organizations(Database& db) {
  auto& st = db.prepare(std::string(kColumns) + "ORDER BY code");
  std::vector<Organization> out;
  while (st.step())
    out.push_back(read_organization(st));
  return out;
}

bool retire_organization(Database& db, std::string_view code, std::string_view retired_on,
                         std::int64_t now_ms) {
  const auto org = find_organization(db, code);
  if (!org || org->retired_on) return false;
  db.prepare("UPDATE organizations SET retired_on = ? WHERE id = ?")
      .bind(1, retired_on)
      .bind(2, org->id)
      .run();
  auto& users = db.prepare("SELECT id FROM users WHERE org_id = ?").bind(1, org->id);
  std::vector<std::int64_t> ids;
  while (users.step())
    ids.push_back(users.int64(0));
  for (const auto id : ids)
    revoke_user_sessions(db, id, now_ms, "disabled");
  return true;
}

std::int64_t count_organizations(Database& db) {
  auto& st = db.prepare("SELECT COUNT(*) FROM organizations");
  st.step();
  const auto n = st.int64(0);
  st.reset();
  return n;
}

}  // namespace musubi::storage
