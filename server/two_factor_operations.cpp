// account.totp_enroll, account.totp_confirm, account.totp_disable, account.recovery_codes: the
// signed-in user's own second factor. Enrolment shows a secret and waits for its first code, so
// that a mistyped or unscanned secret never locks anyone out.
#include "protocol/account_operations.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/random_secrets.hpp"
#include "server/second_factor.hpp"
#include "server/totp.hpp"
#include "server/two_factor_policy.hpp"
#include "storage/audit.hpp"
#include "storage/store.hpp"
#include "storage/two_factor.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

// Fresh recovery codes replace the old ones; the reply is the only place they ever appear.
json issue_recovery_codes(storage::Database& db, std::int64_t user_id) {
  const auto codes = new_recovery_codes();
  std::vector<std::vector<unsigned char>> hashes;
  for (const auto& code : codes)
    hashes.push_back(*recovery_code_hash(code));
  storage::replace_recovery_codes(db, user_id, hashes);
  return json{{"recovery_codes", codes}};
}

const char* const kWrongCode = "wrong code: check the time on your phone and use the newest code";

}  // namespace

void Connection::totp_enroll(const protocol::Request& request) {
  auto secret = random_bytes(totp::kSecretBytes);
  const auto issuer = "musubi " + services_.config.municipality;
  auto reply = json{{"secret", totp::base32(secret)},
                    {"uri", totp::provisioning_uri(issuer, identity_->login, secret)},
                    {"digits", totp::kDigits},
                    {"period", totp::kPeriodSeconds}};
  services_.store.write(
      [me = *identity_, secret = std::move(secret),
       reply = std::move(reply)](storage::Database& db) mutable {
        if (storage::totp_state(db, me.user_id).enabled()) {
          return OperationResult::failure(
              Errc::invalid_state,
              "two-factor sign-in is already on; turn it off first to move it to a new phone");
        }
        storage::set_pending_totp(db, me.user_id, secret);
        storage::append_audit(db, now_ms(), me.user_id, "two_factor.enrol", std::nullopt, "");
        OperationResult r;
        r.result = std::move(reply);
        return r;
      },
      finisher(request));
}

void Connection::totp_confirm(const protocol::Request& request) {
  protocol::OneTimeCode body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto state = storage::totp_state(db, me.user_id);
        if (state.enabled()) {
          return OperationResult::failure(Errc::invalid_state, "two-factor sign-in is already on");
        }
        if (state.pending.empty()) {
          return OperationResult::failure(Errc::invalid_state,
                                          "no enrolment in progress: call account.totp_enroll");
        }
        const auto step = accept_totp(state.pending, body.code, state.last_step, now);
        if (!step) return OperationResult::failure(Errc::invalid_credentials, kWrongCode);
        storage::enable_totp(db, me.user_id, *step, now);
        storage::append_audit(db, now, me.user_id, "two_factor.enabled", std::nullopt, "");
        OperationResult r;
        r.result = issue_recovery_codes(db, me.user_id);
        return r;
      },
      [this, keep = transport_.keep_alive(), id = request.id](std::optional<OperationResult> r) {
        // Lifted on the strand before the reply is sent: the next request is served in full.
        if (r && !r->error) {
          on_strand([this] {
            if (identity_) identity_->must_enrol = false;
          });
        }
        finish(id, std::move(r));
      });
}

void Connection::totp_disable(const protocol::Request& request) {
  protocol::OneTimeCode body;
  if (!parse_body(request, body)) return;
  if (two_factor_required(services_.config.security, domain::to_string(identity_->role))) {
    return finish(request.id,
                  OperationResult::failure(
                      Errc::forbidden,
                      "your role requires two-factor sign-in; to move it to a new phone, ask an "
                      "administrator to reset it (musubid user reset-2fa)"));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto state = storage::totp_state(db, me.user_id);
        if (!state.enabled()) {
          return OperationResult::failure(Errc::invalid_state, "two-factor sign-in is off");
        }
        if (use_second_factor(db, me.user_id, state, body.code, now) == SecondFactor::rejected) {
          return OperationResult::failure(Errc::invalid_credentials, kWrongCode);
        }
        storage::disable_totp(db, me.user_id);
        storage::append_audit(db, now, me.user_id, "two_factor.disabled", std::nullopt, "");
        return OperationResult{};
      },
      finisher(request));
}

void Connection::renew_recovery_codes(const protocol::Request& request) {
  protocol::OneTimeCode body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto state = storage::totp_state(db, me.user_id);
        if (!state.enabled()) {
          return OperationResult::failure(Errc::invalid_state, "two-factor sign-in is off");
        }
        // Only the app's code: a recovery code must not mint ten more.
        const auto step = accept_totp(state.secret, body.code, state.last_step, now);
        if (!step || !storage::use_totp_step(db, me.user_id, *step)) {
          return OperationResult::failure(Errc::invalid_credentials, kWrongCode);
        }
        storage::append_audit(db, now, me.user_id, "two_factor.recovery_codes", std::nullopt, "");
        OperationResult r;
        r.result = issue_recovery_codes(db, me.user_id);
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
