// session.sign_in (with its second factor), session.resume, session.sign_out.
#include <boost/asio/post.hpp>

#include "protocol/timestamp.hpp"
#include "server/announcement_view.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "server/notification_view.hpp"
#include "server/password_hasher.hpp"
#include "server/random_secrets.hpp"
#include "server/revocation_watcher.hpp"
#include "server/second_factor.hpp"
#include "server/session_token.hpp"
#include "server/signin_throttle.hpp"
#include "server/two_factor_policy.hpp"
#include "server/user_view.hpp"
#include "storage/audit.hpp"
#include "storage/sessions.hpp"
#include "storage/store.hpp"
#include "storage/two_factor.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

std::string seconds_text(std::int64_t ms) {
  return std::to_string((ms + 999) / 1000);
}

std::string_view two_factor_status(const storage::User& user, bool must_enrol) {
  if (user.two_factor) return "on";
  return must_enrol ? "enrolment_required" : "off";
}

// What greets a session: nothing yet for one that may only enrol.
json welcome_announcements(storage::Database& db, std::int64_t user_id, bool must_enrol) {
  return must_enrol ? json::array() : unread_announcements(db, user_id);
}

json welcome_notifications(storage::Database& db, std::int64_t user_id, bool must_enrol) {
  if (must_enrol) return json{{"notifications", json::array()}, {"unread_notifications", 0}};
  return missed_notifications(db, user_id);
}

}  // namespace

Connection::Identity Connection::identity_of(const storage::User& user, std::int64_t session_id,
                                             const SecurityConfig& security) {
  return Identity{user.id,
                  session_id,
                  user.login,
                  user.name,
                  domain::parse_role(user.role).value_or(domain::Role::member),
                  user.org_id,
                  must_enrol(security, user)};
}

void Connection::sign_in(const protocol::Request& request) {
  protocol::SignIn body;
  if (!parse_body(request, body)) return;
  if (identity_) {
    reply_error(request.id, Errc::conflict, "already signed in; sign out first");
    return;
  }
  // Refused before any work: a throttled address costs us no Argon2id.
  if (const auto wait = services_.signin_throttle.wait_ms(peer_, now_ms()); wait > 0) {
    reply_error(
        request.id, Errc::locked_out,
        "too many failed sign-ins from this address; try again in " + seconds_text(wait) + " s");
    return;
  }
  struct Lookup {
    std::optional<storage::User> user;
    storage::SigninFailures failures;
  };
  // 1. Reader thread: the user and the login's failure count. (The login is copied before the
  // call: argument evaluation order is unspecified, and the second lambda moves `body`.)
  auto lookup_user = [login = body.login](storage::Database& db) {
    return Lookup{storage::find_user_by_login(db, login), storage::signin_failures(db, login)};
  };
  services_.store.read(
      std::move(lookup_user), [this, keep = transport_.keep_alive(), id = request.id,
                               body = std::move(body)](std::optional<Lookup> lookup) mutable {
        if (!lookup) {
          on_strand([this, id] { reply_error(id, Errc::unavailable, "storage unavailable"); });
          return;
        }
        // 2. Auth pool: Argon2id (or the same effort for an unknown login).
        boost::asio::post(services_.work_pool, [this, keep, id, body = std::move(body),
                                                lookup = std::move(*lookup)]() mutable {
          const auto now = now_ms();
          if (lookup.failures.locked_until_ms > now) {
            const auto wait = lookup.failures.locked_until_ms - now;
            on_strand([this, id, wait] {
              reply_error(id, Errc::locked_out,
                          "too many failed sign-ins; try again in " + seconds_text(wait) + " s");
            });
            return;
          }
          bool ok = false;
          if (lookup.user) {
            ok = services_.hasher.verify(lookup.user->password_hash, body.password) &&
                 is_active(*lookup.user);
          } else {
            services_.hasher.verify_dummy(body.password);
          }
          const std::optional<std::int64_t> user_id =
              lookup.user ? std::optional(lookup.user->id) : std::nullopt;
          body.password.clear();
          finish_sign_in(id, std::move(body), user_id, ok);
        });
      });
}

// Any thread. 3. Writer: check the second factor, record the outcome (session or failure)
// durably, then reply.
void Connection::finish_sign_in(const json& id, protocol::SignIn body,
                                std::optional<std::int64_t> user_id, bool password_ok) {
  struct Outcome {
    std::optional<Identity> identity;
    std::string token;
    std::int64_t expires_ms = 0;
    std::int64_t locked_for_ms = 0;
    bool failed = false;                 // counts against the address too
    bool second_factor_missing = false;  // right password, no code yet
    bool wrong_code = false;             // right password, wrong code
    json user;
    std::string_view two_factor;
    json announcements;  // unread, newest first
    json missed;         // notifications
  };
  const auto ttl = SessionLifetimes::of(services_.config.security).for_kind(body.remember);
  services_.store.write(
      [lockout = services_.lockout, security = services_.config.security, body = std::move(body),
       user_id, password_ok, ttl, peer = peer_](storage::Database& db) -> Outcome {
        const auto now = now_ms();
        Outcome out;
        // The lookup read the lock before Argon2id; other attempts may have locked the login
        // since. Checked again here, in the writer's order, so that no attempt gets past it.
        if (const auto recorded = storage::signin_failures(db, body.login);
            recorded.locked_until_ms > now) {
          out.locked_for_ms = recorded.locked_until_ms - now;
          return out;
        }
        const auto fail = [&](std::string_view why) {
          auto failures = storage::signin_failures(db, body.login);
          failures.failures =
              lockout.failures_after(failures.failures, failures.last_failure_ms, now);
          failures.last_failure_ms = now;
          failures.locked_until_ms = lockout.locked_until(failures.failures, now);
          storage::save_signin_failures(db, body.login, failures);
          storage::append_audit(db, now, user_id, "sign_in.failed", std::nullopt,
                                "login=" + body.login + " peer=" + peer + std::string(why));
          if (failures.locked_until_ms > now) out.locked_for_ms = failures.locked_until_ms - now;
          out.failed = true;
          return out;
        };
        if (!password_ok) return fail("");
        const auto user = storage::find_user_by_id(db, *user_id);
        if (!user || !is_active(*user)) return out;
        std::string factor;
        if (user->two_factor) {
          if (!body.otp) {
            out.second_factor_missing = true;
            return out;
          }
          const auto state = storage::totp_state(db, user->id);
          switch (use_second_factor(db, user->id, state, *body.otp, now)) {
            case SecondFactor::rejected:
              out.wrong_code = true;
              return fail(" second_factor=rejected");
            case SecondFactor::totp: factor = " second_factor=totp"; break;
            case SecondFactor::recovery_code:
              factor = " second_factor=recovery_code left=" +
                       std::to_string(storage::unused_recovery_codes(db, user->id));
              break;
          }
        }
        storage::clear_signin_failures(db, body.login);
        out.token = new_session_token();
        out.expires_ms = now + ttl;
        const auto session_id = storage::insert_session(db, user->id, hash_token(out.token),
                                                        body.device, now, out.expires_ms, peer);
        storage::append_audit(db, now, user->id, "sign_in", std::nullopt,
                              "session=" + std::to_string(session_id) + " peer=" + peer + factor);
        out.identity = identity_of(*user, session_id, security);
        const bool enrolling = out.identity->must_enrol;
        out.two_factor = two_factor_status(*user, enrolling);
        out.user = user_view(*user);
        out.announcements = welcome_announcements(db, user->id, enrolling);
        out.missed = welcome_notifications(db, user->id, enrolling);
        return out;
      },
      [this, keep = transport_.keep_alive(), id](std::optional<Outcome> outcome) mutable {
        if (outcome && outcome->identity) enlist(*outcome->identity);
        if (outcome && outcome->failed) services_.signin_throttle.record_failure(peer_, now_ms());
        on_strand([this, id, outcome = std::move(outcome)]() mutable {
          if (!outcome) return reply_error(id, Errc::unavailable, "storage unavailable");
          if (outcome->second_factor_missing) {
            return reply_error(id, Errc::second_factor_required,
                               "enter the 6-digit code from your authenticator app, or a "
                               "recovery code, as otp");
          }
          if (!outcome->identity) {
            if (outcome->locked_for_ms > 0) {
              return reply_error(id, Errc::locked_out,
                                 "too many failed sign-ins; try again in " +
                                     seconds_text(outcome->locked_for_ms) + " s");
            }
            // Only someone who knows the password learns that the code was wrong.
            return reply_error(
                id, Errc::invalid_credentials,
                outcome->wrong_code ? "wrong one-time code" : "wrong login or password");
          }
          if (closed_) return services_.registry.remove(this);
          become(std::move(*outcome->identity));
          auto reply = json{{"token", outcome->token},
                            {"expires", protocol::format_timestamp(outcome->expires_ms)},
                            {"user", outcome->user},
                            {"two_factor", outcome->two_factor},
                            {"announcements", outcome->announcements}};
          reply.update(outcome->missed);
          reply_ok(id, reply);
        });
      });
}

void Connection::resume(const protocol::Request& request) {
  protocol::ResumeSession body;
  if (!parse_body(request, body)) return;
  if (identity_) {
    reply_error(request.id, Errc::conflict, "already signed in; sign out first");
    return;
  }
  struct Outcome {
    Identity identity;
    std::int64_t expires_ms = 0;
    json user;
    std::string_view two_factor;
    json announcements;  // unread, newest first
    json missed;         // notifications
  };
  // One write job: the use, the slid expiry, a new address and its audit entry commit together.
  services_.store.write(
      [hash = hash_token(body.token), lifetimes = SessionLifetimes::of(services_.config.security),
       peer = peer_,
       security = services_.config.security](storage::Database& db) -> std::optional<Outcome> {
        const auto now = now_ms();
        const auto holder = use_session_token(db, hash, now, lifetimes, peer);
        if (!holder) return std::nullopt;
        const auto& user = holder->user;
        auto identity = identity_of(user, holder->session_id, security);
        const bool enrolling = identity.must_enrol;
        return Outcome{std::move(identity),
                       holder->expires_ms,
                       user_view(user),
                       two_factor_status(user, enrolling),
                       welcome_announcements(db, user.id, enrolling),
                       welcome_notifications(db, user.id, enrolling)};
      },
      [this, keep = transport_.keep_alive(),
       id = request.id](std::optional<std::optional<Outcome>> outcome) mutable {
        if (outcome && *outcome) enlist((*outcome)->identity);
        on_strand([this, id, outcome = std::move(outcome)]() mutable {
          if (!outcome) return reply_error(id, Errc::unavailable, "storage unavailable");
          if (!*outcome) {
            return reply_error(id, Errc::invalid_token,
                               "session unknown, expired or revoked; sign in again");
          }
          if (closed_) return services_.registry.remove(this);
          auto& o = **outcome;
          become(std::move(o.identity));
          auto reply = json{{"expires", protocol::format_timestamp(o.expires_ms)},
                            {"user", o.user},
                            {"two_factor", o.two_factor},
                            {"announcements", o.announcements}};
          reply.update(o.missed);
          reply_ok(id, reply);
        });
      });
}

void Connection::sign_out(const protocol::Request& request) {
  const Identity me = *identity_;
  // Leave at once: nothing more reaches this connection as that user, whatever happens next.
  stop_following_all();
  services_.registry.remove(this);
  identity_.reset();
  services_.store.write(
      [me, peer = peer_](storage::Database& db) {
        const auto now = now_ms();
        storage::revoke_session(db, me.session_id, now, "signed_out");
        storage::append_audit(db, now, me.user_id, "sign_out", std::nullopt,
                              "session=" + std::to_string(me.session_id) + " peer=" + peer);
        return true;
      },
      [this, keep = transport_.keep_alive(), id = request.id, me](std::optional<bool> done) {
        if (done) {
          apply_revocation(services_.registry, storage::Revocation{0, me.user_id, me.session_id,
                                                                   "signed_out", std::nullopt});
        }
        on_strand([this, id, ok = done.has_value()] {
          if (!ok) return reply_error(id, Errc::unavailable, "storage unavailable");
          reply_ok(id, json::object());
        });
      });
}

}  // namespace musubi::server
