#include "server/csv_import.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <variant>

#include "protocol/admin_operations.hpp"
#include "protocol/field_reader.hpp"
#include "protocol/timestamp.hpp"
#include "server/admin_commands.hpp"
#include "server/csv_reader.hpp"
#include "server/domain/organization_rules.hpp"
#include "server/domain/vocabulary.hpp"
#include "storage/audit.hpp"
#include "storage/database.hpp"
#include "storage/users.hpp"

namespace musubi::server {

namespace {

constexpr std::string_view kOrgColumns[] = {
    "code",         "name", "type", "address", "municipality", "association", "association_area",
    "registered_on"};
constexpr std::string_view kOrgRequired[] = {"code", "name", "type", "municipality"};
constexpr std::string_view kUserColumns[] = {"login",      "name", "org",
                                             "profession", "role", "password"};
constexpr std::string_view kUserRequired[] = {"login", "name", "org", "profession"};

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string lowercase(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (const auto n : names)
    out += (out.empty() ? "" : ",") + std::string(n);
  return out;
}

// The header's columns by name, or the problems with it (always at its line).
class Columns {
 public:
  static std::optional<Columns> read(const CsvRecord& header,
                                     std::span<const std::string_view> known,
                                     std::span<const std::string_view> required,
                                     std::vector<ImportProblem>& problems) {
    Columns c;
    c.count_ = header.fields.size();
    const auto before = problems.size();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const auto name = lowercase(trim(header.fields[i]));
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        problems.push_back(
            {header.line, "invalid_request",
             "unknown column \"" + name + "\" (the columns are " + join(known) + ")"});
      } else if (!c.index_.emplace(name, i).second) {
        problems.push_back({header.line, "invalid_request", "column \"" + name + "\" twice"});
      }
    }
    for (const auto name : required) {
      if (!c.index_.contains(std::string(name))) {
        problems.push_back({header.line, "invalid_request",
                            "the header has no column \"" + std::string(name) + "\""});
      }
    }
    if (problems.size() != before) return std::nullopt;
    return c;
  }

  std::size_t count() const { return count_; }

  // The field of `record` in column `name`, without surrounding spaces; empty when the file has
  // no such column.
  std::string get(const CsvRecord& record, std::string_view name) const {
    return trim(raw(record, name));
  }
  std::string raw(const CsvRecord& record, std::string_view name) const {
    const auto it = index_.find(std::string(name));
    return it == index_.end() ? std::string() : record.fields[it->second];
  }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t count_ = 0;
};

// A spreadsheet's empty rows come out as ",,,,": skipped like blank lines.
bool blank(const CsvRecord& record) {
  for (const auto& f : record.fields) {
    if (!trim(f).empty()) return false;
  }
  return true;
}

// The first problem found in one row.
class RowCheck {
 public:
  explicit RowCheck(std::size_t line) : line_(line) {}

  void fail(std::string_view code, std::string message) {
    if (!problem_) problem_ = ImportProblem{line_, std::string(code), std::move(message)};
  }
  bool ok() const { return !problem_; }
  const std::optional<ImportProblem>& problem() const { return problem_; }

  // Text of min..max characters without control characters.
  void text(std::string_view column, const std::string& value, std::size_t min, std::size_t max) {
    const auto n = protocol::utf8_length(value);
    if (n < min) {
      fail("invalid_request", std::string(column) + ": required");
    } else if (n > max) {
      fail("invalid_request",
           std::string(column) + ": at most " + std::to_string(max) + " characters");
    } else if (protocol::has_control_characters(value)) {
      fail("invalid_request", std::string(column) + ": control characters");
    }
  }

  void code(std::string_view column, const std::string& value) {
    if (!valid_login(value)) {
      fail("invalid_request", std::string(column) + ": \"" + value +
                                  "\" is not 1-64 of a-z, 0-9, '.', '_', '-' starting with a "
                                  "letter or digit");
    }
  }

 private:
  std::size_t line_;
  std::optional<ImportProblem> problem_;
};

// Splits a file into its header and data rows, or reports why it cannot be read.
struct Table {
  std::optional<Columns> columns;
  std::vector<CsvRecord> rows;
};

Table read_table(std::string_view csv, std::span<const std::string_view> known,
                 std::span<const std::string_view> required, std::vector<ImportProblem>& problems) {
  auto parsed = read_csv(csv);
  if (const auto* error = std::get_if<CsvError>(&parsed)) {
    problems.push_back({error->line, "invalid_request", error->message});
    return {};
  }
  auto& records = std::get<std::vector<CsvRecord>>(parsed);
  if (records.empty()) {
    problems.push_back(
        {1, "invalid_request", "empty file: the first line must be the header " + join(known)});
    return {};
  }
  Table table;
  table.columns = Columns::read(records.front(), known, required, problems);
  if (!table.columns) return {};
  for (std::size_t i = 1; i < records.size(); ++i) {
    auto& r = records[i];
    if (blank(r)) continue;
    if (r.fields.size() != table.columns->count()) {
      problems.push_back({r.line, "invalid_request",
                          std::to_string(r.fields.size()) + " fields, but the header has " +
                              std::to_string(table.columns->count())});
      continue;
    }
    table.rows.push_back(std::move(r));
  }
  return table;
}

// Problems in the order of the file (rows of the wrong length are found before the others).
void sort_by_line(std::vector<ImportProblem>& problems) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ImportProblem& a, const ImportProblem& b) { return a.line < b.line; });
}

}  // namespace

std::string to_string(const ImportProblem& p) {
  return "line " + std::to_string(p.line) + ": " + p.code + ": " + p.message;
}

OrgImportPlan plan_org_import(storage::Database& db, std::string_view csv, std::string_view city,
                              std::string_view today) {
  OrgImportPlan plan;
  auto table = read_table(csv, kOrgColumns, kOrgRequired, plan.problems);
  if (!table.columns) return plan;
  std::map<std::string, std::size_t> seen;  // code -> line
  for (const auto& record : table.rows) {
    const auto& cols = *table.columns;
    RowCheck check(record.line);
    storage::Organization o;
    o.code = cols.get(record, "code");
    o.name = cols.get(record, "name");
    o.type = cols.get(record, "type");
    o.address = cols.get(record, "address");
    o.municipality = cols.get(record, "municipality");
    o.association = cols.get(record, "association");
    o.association_area = cols.get(record, "association_area");
    o.registered_on = cols.get(record, "registered_on");
    check.code("code", o.code);
    check.text("name", o.name, 1, protocol::kMaxPersonNameChars);
    const auto type = domain::parse_org_type(o.type);
    if (!type) check.fail("invalid_request", "type: unknown organization type \"" + o.type + "\"");
    check.text("address", o.address, 0, protocol::kMaxAddressChars);
    check.text("municipality", o.municipality, 1, protocol::kMaxPlaceChars);
    check.text("association", o.association, 0, protocol::kMaxPlaceChars);
    check.text("association_area", o.association_area, 0, protocol::kMaxPlaceChars);
    if (o.registered_on.empty()) {
      o.registered_on = std::string(today);
    } else if (!protocol::is_calendar_date(o.registered_on)) {
      check.fail("invalid_request",
                 "registered_on: \"" + o.registered_on + "\" is not a date YYYY-MM-DD");
    }
    if (check.ok()) {
      if (const auto refusal = domain::check_registration(
              {*type, o.municipality, o.association, o.association_area}, city)) {
        check.fail(refusal->code, refusal->message);
      }
    }
    if (check.ok()) {
      if (const auto it = seen.find(o.code); it != seen.end()) {
        check.fail("conflict",
                   "code \"" + o.code + "\" is already on line " + std::to_string(it->second));
      } else if (storage::find_organization(db, o.code)) {
        check.fail("conflict", "code \"" + o.code + "\" is already registered");
      }
    }
    if (!o.code.empty()) seen.emplace(o.code, record.line);
    if (check.ok()) {
      plan.rows.push_back({record.line, std::move(o)});
    } else {
      plan.problems.push_back(*check.problem());
    }
  }
  sort_by_line(plan.problems);
  return plan;
}

UserImportPlan plan_user_import(storage::Database& db, std::string_view csv,
                                const std::vector<OrgImportRow>& orgs) {
  UserImportPlan plan;
  auto table = read_table(csv, kUserColumns, kUserRequired, plan.problems);
  if (!table.columns) return plan;
  struct Place {
    domain::OrgType type;
    bool active;
  };
  std::map<std::string, std::optional<Place>> places;  // org code -> where users may go
  for (const auto& row : orgs) {
    places[row.org.code] =
        Place{domain::parse_org_type(row.org.type).value_or(domain::OrgType::clinic),
              !row.org.retired_on};
  }
  auto place_of = [&](const std::string& code) -> std::optional<Place> {
    auto it = places.find(code);
    if (it == places.end()) {
      std::optional<Place> place;
      if (const auto o = storage::find_organization(db, code)) {
        place = Place{domain::parse_org_type(o->type).value_or(domain::OrgType::clinic),
                      !o->retired_on};
      }
      it = places.emplace(code, place).first;
    }
    return it->second;
  };
  std::map<std::string, std::size_t> seen;  // login -> line
  for (const auto& record : table.rows) {
    const auto& cols = *table.columns;
    RowCheck check(record.line);
    UserImportRow u;
    u.line = record.line;
    u.login = cols.get(record, "login");
    u.name = cols.get(record, "name");
    u.org = cols.get(record, "org");
    u.profession = cols.get(record, "profession");
    u.role = cols.get(record, "role");
    if (u.role.empty()) u.role = std::string(domain::to_string(domain::Role::member));
    // A password is taken exactly as written: spaces may be part of it.
    u.password = cols.raw(record, "password");
    if (!u.password.empty() && (protocol::utf8_length(u.password) < kMinPasswordLength ||
                                protocol::has_control_characters(u.password))) {
      check.fail("invalid_request", "password: at least " + std::to_string(kMinPasswordLength) +
                                        " characters, no control characters (or leave it empty "
                                        "for a one-time password)");
    }
    check.code("login", u.login);
    check.text("name", u.name, 1, protocol::kMaxPersonNameChars);
    if (!domain::parse_profession(u.profession)) {
      check.fail("invalid_request", "profession: unknown profession \"" + u.profession + "\"");
    }
    const auto role = domain::parse_role(u.role);
    if (!role) check.fail("invalid_request", "role: unknown role \"" + u.role + "\"");
    if (check.ok()) {
      const auto place = place_of(u.org);
      if (!place) {
        check.fail("not_found", "no organization \"" + u.org + "\"");
      } else if (const auto refusal =
                     domain::check_user_placement(*role, place->type, place->active)) {
        check.fail(refusal->code, u.org + ": " + refusal->message);
      }
    }
    if (check.ok()) {
      if (const auto it = seen.find(u.login); it != seen.end()) {
        check.fail("conflict",
                   "login \"" + u.login + "\" is already on line " + std::to_string(it->second));
      } else if (storage::find_user_by_login(db, u.login)) {
        check.fail("conflict", "login \"" + u.login + "\" is already taken");
      }
    }
    if (!u.login.empty()) seen.emplace(u.login, record.line);
    if (check.ok()) {
      plan.rows.push_back(std::move(u));
    } else {
      plan.problems.push_back(*check.problem());
    }
  }
  sort_by_line(plan.problems);
  return plan;
}

void apply_org_import(storage::Database& db, const OrgImportPlan& plan, std::int64_t now_ms) {
  for (const auto& row : plan.rows) {
    auto org = row.org;
    org.created_ms = now_ms;
    if (!storage::insert_organization(db, org)) {
      throw std::logic_error("line " + std::to_string(row.line) + ": code \"" + org.code +
                             "\" was taken meanwhile");
    }
    storage::append_audit(db, now_ms, std::nullopt, "org.register", std::nullopt,
                          "org=" + org.code + " type=" + org.type + " by=import");
  }
}

void apply_user_import(storage::Database& db, const UserImportPlan& plan,
                       const std::vector<std::string>& password_hashes, std::int64_t now_ms) {
  if (password_hashes.size() != plan.rows.size()) {
    throw std::logic_error("one password hash per row");
  }
  for (std::size_t i = 0; i < plan.rows.size(); ++i) {
    const auto& row = plan.rows[i];
    const auto org = storage::find_organization(db, row.org);
    if (!org) throw std::logic_error("line " + std::to_string(row.line) + ": organization gone");
    if (!storage::insert_user(db,
                              storage::NewUser{row.login, row.name, password_hashes[i], org->id,
                                               row.profession, row.role},
                              now_ms)) {
      throw std::logic_error("line " + std::to_string(row.line) + ": login \"" + row.login +
                             "\" was taken meanwhile");
    }
    storage::append_audit(
        db, now_ms, std::nullopt, "user.add", std::nullopt,
        "user=" + row.login + " org=" + row.org + " role=" + row.role + " by=import");
  }
}

}  // namespace musubi::server
