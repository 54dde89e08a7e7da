#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/organizations.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

// CSV import of the lists a city brings when it moves to musubi (`musubid org import`,
// `musubid user import`). Every row is checked before anything is written, and a file with any
// bad row is not imported at all; each bad row is reported by its line number.
//
// Organizations, one per row, with this header (columns in any order; the first four required):
//   code,name,type,address,municipality,association,association_area,registered_on
// Users:
//   login,name,org,profession,role,password
// `role` empty: member. `password` empty (or no such column): a one-time password is generated.
// `org` names an organization already registered or one imported in the same run.

// A bad row: "line 7: association_not_local: ...". `code` is the protocol's error code for the
// same problem (invalid_request, conflict, not_found, or the refusal of a rule).
struct ImportProblem {
  std::size_t line = 0;
  std::string code;
  std::string message;
};
std::string to_string(const ImportProblem& problem);

struct OrgImportRow {
  std::size_t line = 0;
  storage::Organization org;  // id and created_ms not yet set
};

struct UserImportRow {
  std::size_t line = 0;
  std::string login;
  std::string name;
  std::string org;  // code
  std::string profession;
  std::string role;
  std::string password;  // empty: generate a one-time password
};

struct OrgImportPlan {
  std::vector<OrgImportRow> rows;
  std::vector<ImportProblem> problems;  // empty: the file may be imported
};

struct UserImportPlan {
  std::vector<UserImportRow> rows;
  std::vector<ImportProblem> problems;
};

// Reads and checks an organizations file: fields, vocabulary codes, the membership rule for
// `city` (server/domain/organization_rules.hpp), codes repeated in the file or already
// registered in `db`. `today` (YYYY-MM-DD) stands in for an empty registered_on. Reads only.
OrgImportPlan plan_org_import(storage::Database& db, std::string_view csv, std::string_view city,
                              std::string_view today);

// Reads and checks a users file: fields, codes, passwords of at least kMinPasswordLength
// characters, where each user may be placed (an active organization; city administrators only
// in the city's office), logins repeated in the file or taken in `db`. `orgs` are organizations
// imported in the same run, which rows may name. Reads only.
UserImportPlan plan_user_import(storage::Database& db, std::string_view csv,
                                const std::vector<OrgImportRow>& orgs = {});

// Writes a plan without problems, each row with its audit entry, inside the caller's
// transaction. Throws storage::SqliteError, or std::logic_error when a code or login turned
// out to be taken after all (the caller rolls back).
void apply_org_import(storage::Database& db, const OrgImportPlan& plan, std::int64_t now_ms);
// `password_hashes[i]` is the Argon2id hash of row i's password.
void apply_user_import(storage::Database& db, const UserImportPlan& plan,
                       const std::vector<std::string>& password_hashes, std::int64_t now_ms);

}  // namespace musubi::server
