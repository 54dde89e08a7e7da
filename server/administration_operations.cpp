// org.register, org.list, org.retire, org.confirm_staff, user.add, user.list, user.disable,
// user.enable, user.reset_signin, user.revoke_sessions, directory.search.
//
// Who may do what (the "Organizations and people"):
// - city administrators register and retire organizations and manage every user;
// - an organization's contact (担当者) manages the users of their own organization only, and
//   confirms once a year which of them still work there (現況確認);
// - members manage nobody; every signed-in user may search the directory of colleagues.
// Nothing here touches patients' rooms: the city's administrators run the network, they do not
// read it.
#include <boost/asio/post.hpp>

#include "protocol/admin_operations.hpp"
#include "protocol/timestamp.hpp"
#include "server/admin_commands.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/domain/organization_rules.hpp"
#include "server/password_hasher.hpp"
#include "server/random_secrets.hpp"
#include "server/revocation_watcher.hpp"
#include "server/user_view.hpp"
#include "storage/audit.hpp"
#include "storage/organizations.hpp"
#include "storage/sessions.hpp"
#include "storage/store.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

constexpr std::int64_t kDirectoryLimit = 50;

const char* const kUserNotFound = "user not found";
const char* const kOrgNotFound = "organization not found";
const char* const kCityAdminsOnly = "only city administrators may do this";
const char* const kAdministratorsOnly =
    "only city administrators and organization contacts manage users";
const char* const kOwnOrgOnly =
    "organization contacts manage the users of their own organization only";

json org_view(const storage::Organization& o) {
  return json{{"code", o.code},
              {"name", o.name},
              {"type", o.type},
              {"address", o.address},
              {"municipality", o.municipality},
              {"association", o.association},
              {"association_area", o.association_area},
              {"registered_on", o.registered_on},
              {"retired_on", o.retired_on ? json(*o.retired_on) : json(nullptr)},
              {"active", !o.retired_on}};
}

// The same day one year earlier, as text ("2026-02-28" for "2027-02-28"); dates YYYY-MM-DD
// compare correctly as text, so 29 February needs no special case.
std::string one_year_before(const std::string& today) {
  return std::to_string(std::stoi(today.substr(0, 4)) - 1) + today.substr(4);
}

// A user as administrators see them: with the state of the account and the yearly confirmation.
// `unconfirmed`: never confirmed, or last confirmed more than a year before `today`.
json admin_user_view(const storage::User& u, const std::string& today) {
  auto view = user_view(u);
  view["disabled"] = u.disabled;
  view["confirmed_on"] = u.confirmed_on ? json(*u.confirmed_on) : json(nullptr);
  view["unconfirmed"] = !u.confirmed_on || *u.confirmed_on < one_year_before(today);
  view["created"] = protocol::format_timestamp(u.created_ms);
  return view;
}

// Whether someone with `role` in organization `org_id` may manage `target` (disable, enable,
// reset their sign-in); the refusal otherwise.
std::optional<OperationResult> refuse_management(domain::Role role, std::int64_t org_id,
                                                 const storage::User& target) {
  if (role == domain::Role::city_admin) return std::nullopt;
  if (role == domain::Role::org_contact && target.org_id == org_id &&
      target.role != domain::to_string(domain::Role::city_admin)) {
    return std::nullopt;
  }
  if (role == domain::Role::org_contact) {
    return OperationResult::failure(Errc::forbidden, kOwnOrgOnly);
  }
  return OperationResult::failure(Errc::forbidden, kAdministratorsOnly);
}

bool manages_users(domain::Role role) {
  return role == domain::Role::city_admin || role == domain::Role::org_contact;
}

// What a write decided, plus the revocations to apply once it is committed: the affected users'
// connections close at once instead of at the revocation watcher's next poll.
struct Outcome {
  OperationResult result;
  std::vector<storage::Revocation> revoke;
};

Outcome outcome(OperationResult result) {
  return Outcome{std::move(result), {}};
}

storage::Revocation revocation_of(std::int64_t user_id, std::string_view reason) {
  return storage::Revocation{0, user_id, std::nullopt, std::string(reason), std::nullopt};
}

// The storage completion for an Outcome: replies first (so that someone resetting their own
// sign-in still gets the new password), then closes the revoked connections.
template <class Finish>
auto finishing_then_revoking(ConnectionRegistry& registry, Finish finish) {
  return [&registry, finish = std::move(finish)](std::optional<Outcome> o) mutable {
    if (!o) return finish(std::nullopt);
    auto revoke = std::move(o->revoke);
    finish(std::move(o->result));
    for (const auto& r : revoke)
      apply_revocation(registry, r);
  };
}

std::optional<OperationResult> invalid(std::string message) {
  return OperationResult::failure(Errc::invalid_request, std::move(message));
}

}  // namespace

void Connection::register_org(const protocol::Request& request) {
  protocol::RegisterOrg body;
  if (!parse_body(request, body)) return;
  if (identity_->role != domain::Role::city_admin) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kCityAdminsOnly));
  }
  const auto type = domain::parse_org_type(body.type);
  if (!type) return finish(request.id, invalid("body.type: unknown organization type"));
  if (!valid_login(body.code)) {
    return finish(request.id,
                  invalid("body.code: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter "
                          "or digit"));
  }
  if (auto refusal = domain::check_registration(
          {*type, body.municipality, body.association, body.association_area},
          services_.config.municipality)) {
    return finish(request.id, OperationResult::refused(*refusal));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        storage::Organization org;
        org.code = body.code;
        org.name = body.name;
        org.type = body.type;
        org.address = body.address;
        org.municipality = body.municipality;
        org.association = body.association;
        org.association_area = body.association_area;
        org.registered_on = body.registered_on.value_or(local_date(now));
        org.created_ms = now;
        if (!storage::insert_organization(db, org)) {
          return OperationResult::failure(Errc::conflict,
                                          "organization code \"" + body.code + "\" is taken");
        }
        storage::append_audit(db, now, me.user_id, "org.register", std::nullopt,
                              "org=" + org.code + " type=" + org.type);
        OperationResult r;
        r.result = org_view(org);
        return r;
      },
      finisher(request));
}

void Connection::list_orgs(const protocol::Request& request) {
  services_.store.read(
      [admin = identity_->role == domain::Role::city_admin](storage::Database& db) {
        json orgs = json::array();
        const auto counts = admin ? storage::count_users_by_org(db)
                                  : std::unordered_map<std::int64_t, storage::UserCounts>{};
        for (const auto& o : storage::list_organizations(db)) {
          if (admin) {
            auto view = org_view(o);
            const auto it = counts.find(o.id);
            const auto c = it == counts.end() ? storage::UserCounts{} : it->second;
            view["users"] = c.total;
            view["enabled_users"] = c.enabled;
            orgs.push_back(std::move(view));
          } else if (!o.retired_on) {
            orgs.push_back(json{{"code", o.code},
                                {"name", o.name},
                                {"type", o.type},
                                {"municipality", o.municipality}});
          }
        }
        OperationResult r;
        r.result = json{{"orgs", std::move(orgs)}};
        return r;
      },
      finisher(request));
}

void Connection::retire_org(const protocol::Request& request) {
  protocol::RetireOrg body;
  if (!parse_body(request, body)) return;
  if (identity_->role != domain::Role::city_admin) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kCityAdminsOnly));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        auto org = storage::find_organization(db, body.org);
        if (!org) return outcome(OperationResult::failure(Errc::not_found, kOrgNotFound));
        if (org->type == domain::to_string(domain::OrgType::municipal_office)) {
          return outcome(OperationResult::failure(
              Errc::forbidden, "the city's own office runs the network and cannot be retired"));
        }
        if (org->retired_on) {
          return outcome(
              OperationResult::failure(Errc::conflict, "already retired on " + *org->retired_on));
        }
        const auto users = storage::list_users(db, org->id);
        org->retired_on = body.retired_on.value_or(local_date(now));
        storage::retire_organization(db, org->code, *org->retired_on, now);
        storage::append_audit(db, now, me.user_id, "org.retire", std::nullopt,
                              "org=" + org->code + " on=" + *org->retired_on +
                                  " users=" + std::to_string(users.size()));
        Outcome out;
        out.result.result = org_view(*org);
        out.result.result["signed_out_users"] = users.size();
        for (const auto& u : users)
          out.revoke.push_back(revocation_of(u.id, "disabled"));
        return out;
      },
      finishing_then_revoking(services_.registry, finisher(request)));
}

void Connection::confirm_staff(const protocol::Request& request) {
  protocol::ConfirmStaff body;
  if (!parse_body(request, body)) return;
  if (!manages_users(identity_->role)) {
    return finish(request.id,
                  OperationResult::failure(
                      Errc::forbidden, "only organization contacts confirm their staff each year"));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto today = local_date(now);
        std::vector<std::string> logins;
        // All or nothing: every login is checked before any is confirmed.
        for (const auto& login : body.logins) {
          if (std::find(logins.begin(), logins.end(), login) != logins.end()) continue;
          const auto user = storage::find_user_by_login(db, login);
          if (!user)
            return OperationResult::failure(Errc::not_found, kUserNotFound + (": " + login));
          if (user->org_id != me.org_id) {
            return OperationResult::failure(Errc::forbidden,
                                            login +
                                                " is not a member of your organization; each "
                                                "organization confirms its own staff");
          }
          logins.push_back(login);
        }
        json users = json::array();
        std::string detail;
        for (const auto& login : logins) {
          storage::set_confirmed_on(db, login, today);
          users.push_back(admin_user_view(*storage::find_user_by_login(db, login), today));
          detail += (detail.empty() ? "" : ",") + login;
        }
        storage::append_audit(db, now, me.user_id, "org.confirm_staff", std::nullopt,
                              "users=" + detail);
        OperationResult r;
        r.result = json{{"confirmed_on", today}, {"users", std::move(users)}};
        return r;
      },
      finisher(request));
}

void Connection::add_user(const protocol::Request& request) {
  protocol::AddUser body;
  if (!parse_body(request, body)) return;
  const auto role = domain::parse_role(body.role);
  if (!manages_users(identity_->role)) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kAdministratorsOnly));
  }
  if (!valid_login(body.login)) {
    return finish(request.id,
                  invalid("body.login: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter "
                          "or digit"));
  }
  if (!domain::parse_profession(body.profession)) {
    return finish(request.id, invalid("body.profession: unknown profession"));
  }
  if (!role) return finish(request.id, invalid("body.role: unknown role"));
  if (identity_->role == domain::Role::org_contact && *role == domain::Role::city_admin) {
    return finish(request.id,
                  OperationResult::failure(Errc::forbidden,
                                           "organization contacts add members and contacts only"));
  }
  // Argon2id on the auth pool, then the insert on the writer. The password is hashed before the
  // rest is checked: only administrators get this far, and it saves a second trip to storage.
  boost::asio::post(services_.work_pool, [this, keep = transport_.keep_alive(), id = request.id,
                                          done = finisher(request), me = *identity_, role = *role,
                                          body = std::move(body)]() mutable {
    const std::string password = new_bootstrap_password();
    std::string hash;
    try {
      hash = services_.hasher.hash(password);
    } catch (const std::exception&) {
      return finish(id, OperationResult::failure(Errc::unavailable, "server busy; retry"));
    }
    services_.store.write(
        [me, role, body = std::move(body), hash = std::move(hash),
         password](storage::Database& db) {
          const auto now = now_ms();
          const auto org = body.org ? storage::find_organization(db, *body.org)
                                    : storage::find_organization_by_id(db, me.org_id);
          if (!org) return OperationResult::failure(Errc::not_found, kOrgNotFound);
          if (me.role == domain::Role::org_contact && org->id != me.org_id) {
            return OperationResult::failure(Errc::forbidden, kOwnOrgOnly);
          }
          if (auto refusal = domain::check_user_placement(
                  role, domain::parse_org_type(org->type).value_or(domain::OrgType::clinic),
                  !org->retired_on)) {
            return OperationResult::refused(*refusal);
          }
          const auto user_id = storage::insert_user(
              db,
              storage::NewUser{body.login, body.name, hash, org->id, body.profession,
                               std::string(domain::to_string(role))},
              now);
          if (!user_id) {
            return OperationResult::failure(Errc::conflict,
                                            "login \"" + body.login + "\" is taken");
          }
          storage::append_audit(db, now, me.user_id, "user.add", std::nullopt,
                                "user=" + body.login + " org=" + org->code +
                                    " role=" + std::string(domain::to_string(role)));
          OperationResult r;
          r.result = json{
              {"user", admin_user_view(*storage::find_user_by_id(db, *user_id), local_date(now))},
              {"one_time_password", password}};
          return r;
        },
        std::move(done));
  });
}

void Connection::list_users(const protocol::Request& request) {
  protocol::ListUsers body;
  if (!parse_body(request, body)) return;
  if (!manages_users(identity_->role)) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kAdministratorsOnly));
  }
  services_.store.read(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        std::optional<std::int64_t> org_id;
        if (body.org) {
          const auto org = storage::find_organization(db, *body.org);
          if (!org) return OperationResult::failure(Errc::not_found, kOrgNotFound);
          org_id = org->id;
        }
        if (me.role != domain::Role::city_admin) {
          if (org_id && *org_id != me.org_id) {
            return OperationResult::failure(Errc::forbidden, kOwnOrgOnly);
          }
          org_id = me.org_id;
        }
        const auto today = local_date(now_ms());
        json users = json::array();
        for (const auto& u : storage::list_users(db, org_id)) {
          users.push_back(admin_user_view(u, today));
        }
        OperationResult r;
        r.result = json{{"users", std::move(users)}};
        return r;
      },
      finisher(request));
}

void Connection::disable_user(const protocol::Request& request) {
  protocol::UserRef body;
  if (!parse_body(request, body)) return;
  if (!manages_users(identity_->role)) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kAdministratorsOnly));
  }
  if (body.login == identity_->login) {
    return finish(request.id,
                  OperationResult::failure(Errc::conflict, "you cannot disable your own account"));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto user = storage::find_user_by_login(db, body.login);
        if (!user) return outcome(OperationResult::failure(Errc::not_found, kUserNotFound));
        if (auto refusal = refuse_management(me.role, me.org_id, *user)) return outcome(*refusal);
        // Disabling revokes every session of the user (storage), even when already disabled.
        storage::set_user_disabled(db, user->login, true, now);
        storage::append_audit(db, now, me.user_id, "user.disable", std::nullopt,
                              "user=" + user->login);
        Outcome out;
        out.result.result = json{{"login", user->login}, {"disabled", true}};
        out.revoke.push_back(revocation_of(user->id, "disabled"));
        return out;
      },
      finishing_then_revoking(services_.registry, finisher(request)));
}

void Connection::enable_user(const protocol::Request& request) {
  protocol::UserRef body;
  if (!parse_body(request, body)) return;
  if (!manages_users(identity_->role)) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kAdministratorsOnly));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto user = storage::find_user_by_login(db, body.login);
        if (!user) return OperationResult::failure(Errc::not_found, kUserNotFound);
        if (auto refusal = refuse_management(me.role, me.org_id, *user)) return *refusal;
        storage::set_user_disabled(db, user->login, false, now);
        storage::append_audit(db, now, me.user_id, "user.enable", std::nullopt,
                              "user=" + user->login);
        OperationResult r;
        r.result = json{{"login", user->login}, {"disabled", false}};
        return r;
      },
      finisher(request));
}

void Connection::reset_signin(const protocol::Request& request) {
  protocol::UserRef body;
  if (!parse_body(request, body)) return;
  if (!manages_users(identity_->role)) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kAdministratorsOnly));
  }
  boost::asio::post(services_.work_pool, [this, keep = transport_.keep_alive(), id = request.id,
                                          done = finisher(request), me = *identity_,
                                          body = std::move(body)]() mutable {
    const std::string password = new_bootstrap_password();
    std::string hash;
    try {
      hash = services_.hasher.hash(password);
    } catch (const std::exception&) {
      return finish(id, OperationResult::failure(Errc::unavailable, "server busy; retry"));
    }
    services_.store.write(
        [me, body = std::move(body), hash = std::move(hash), password](storage::Database& db) {
          const auto now = now_ms();
          const auto user = storage::find_user_by_login(db, body.login);
          if (!user) return outcome(OperationResult::failure(Errc::not_found, kUserNotFound));
          if (auto refusal = refuse_management(me.role, me.org_id, *user)) {
            return outcome(*refusal);
          }
          // Whoever knew the old password, or holds a session made with it, is signed out; a
          // lockout from failed attempts is lifted so the new password works at once.
          storage::set_password_hash(db, user->login, hash);
          storage::revoke_user_sessions(db, user->id, now, "revoked");
          storage::clear_signin_failures(db, user->login);
          storage::append_audit(db, now, me.user_id, "user.reset_signin", std::nullopt,
                                "user=" + user->login);
          Outcome out;
          out.result.result = json{{"login", user->login}, {"one_time_password", password}};
          out.revoke.push_back(revocation_of(user->id, "revoked"));
          return out;
        },
        finishing_then_revoking(services_.registry, std::move(done)));
  });
}

// The "an administrator can revoke all of a user's sessions": every device of the user
// (a lost phone, a colleague who left) must sign in again; the account stays enabled.
void Connection::revoke_user_sessions(const protocol::Request& request) {
  protocol::UserRef body;
  if (!parse_body(request, body)) return;
  if (!manages_users(identity_->role)) {
    return finish(request.id, OperationResult::failure(Errc::forbidden, kAdministratorsOnly));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto user = storage::find_user_by_login(db, body.login);
        if (!user) return outcome(OperationResult::failure(Errc::not_found, kUserNotFound));
        if (auto refusal = refuse_management(me.role, me.org_id, *user)) return outcome(*refusal);
        const auto revoked = storage::revoke_user_sessions(db, user->id, now, "revoked");
        storage::append_audit(db, now, me.user_id, "user.revoke_sessions", std::nullopt,
                              "user=" + user->login + " sessions=" + std::to_string(revoked));
        Outcome out;
        out.result.result = json{{"login", user->login}, {"sessions_revoked", revoked}};
        out.revoke.push_back(revocation_of(user->id, "revoked"));
        return out;
      },
      finishing_then_revoking(services_.registry, finisher(request)));
}

void Connection::search_directory(const protocol::Request& request) {
  protocol::SearchDirectory body;
  if (!parse_body(request, body)) return;
  if (body.profession && !domain::parse_profession(*body.profession)) {
    return finish(request.id, invalid("body.profession: unknown profession"));
  }
  services_.store.read(
      [body = std::move(body)](storage::Database& db) {
        // One more than the limit, to tell the client that the list is cut short.
        const auto found = storage::search_directory(
            db,
            storage::DirectoryQuery{body.query, body.profession, body.org, kDirectoryLimit + 1});
        json users = json::array();
        for (std::size_t i = 0; i < found.size() && i < kDirectoryLimit; ++i) {
          const auto& u = found[i];
          users.push_back(
              json{{"login", u.login},
                   {"name", u.name},
                   {"profession", u.profession},
                   {"org", {{"code", u.org_code}, {"name", u.org_name}, {"type", u.org_type}}}});
        }
        OperationResult r;
        r.result = json{{"users", std::move(users)},
                        {"truncated", found.size() > static_cast<std::size_t>(kDirectoryLimit)}};
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
