// session.devices, session.revoke: a user's own remembered devices. Each sign-in is a session
// that a device keeps for weeks, so users need to see where they are signed in and to sign a
// lost phone out from another device. Tokens and their hashes never leave storage.
#include "protocol/device_operations.hpp"

#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "server/revocation_watcher.hpp"
#include "server/session_token.hpp"
#include "storage/audit.hpp"
#include "storage/sessions.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

json device_view(const storage::SessionRecord& s, std::int64_t current_session) {
  return json{{"session", s.id},
              {"device", s.device},
              {"created", protocol::format_timestamp(s.created_ms)},
              {"last_used", protocol::format_timestamp(s.last_used_ms)},
              {"expires", protocol::format_timestamp(s.expires_ms)},
              {"address", s.last_peer.empty() ? json(nullptr) : json(s.last_peer)},
              {"remembered", is_remembered(s)},
              {"current", s.id == current_session}};
}

}  // namespace

void Connection::list_devices(const protocol::Request& request) {
  services_.store.read(
      [me = *identity_](storage::Database& db) {
        json devices = json::array();
        for (const auto& s : storage::live_sessions_of_user(db, me.user_id, now_ms()))
          devices.push_back(device_view(s, me.session_id));
        OperationResult r;
        r.result = json{{"devices", std::move(devices)}};
        return r;
      },
      finisher(request));
}

void Connection::revoke_device(const protocol::Request& request) {
  protocol::SessionRef body;
  if (!parse_body(request, body)) return;
  const Identity me = *identity_;
  const bool current = body.session == me.session_id;
  if (current) {
    // Like session.sign_out: leave at once, so nothing more reaches this connection as that user.
    stop_following_all();
    services_.registry.remove(this);
    identity_.reset();
  }
  services_.store.write(
      [me, session = body.session, peer = peer_](storage::Database& db) {
        const auto now = now_ms();
        const auto s = storage::find_session(db, session);
        // Someone else's session is as unknown as a session that does not exist: ids are not to
        // be probed. Revoked or expired ones are gone already.
        if (!s || s->user_id != me.user_id || s->revoked || s->expires_ms <= now) return false;
        storage::revoke_session(db, session, now, "revoked");
        storage::append_audit(db, now, me.user_id, "session.revoke", std::nullopt,
                              "session=" + std::to_string(session) + " peer=" + peer);
        return true;
      },
      [this, keep = transport_.keep_alive(), id = request.id, me, session = body.session,
       current](std::optional<bool> revoked) {
        // Closes the session's other connections here now, and in other processes through the
        // revocation watcher.
        if (revoked && *revoked) {
          apply_revocation(services_.registry,
                           storage::Revocation{0, me.user_id, session, "revoked", std::nullopt});
        }
        on_strand([this, id, session, current, revoked] {
          if (!revoked) return reply_error(id, Errc::unavailable, "storage unavailable");
          if (!*revoked) return reply_error(id, Errc::not_found, "no such session");
          reply_ok(id, json{{"session", session}, {"current", current}});
        });
      });
}

}  // namespace musubi::server
