#include "server/session_token.hpp"

#include <boost/beast/http/field.hpp>

#include "server/user_view.hpp"
#include "storage/audit.hpp"
#include "storage/sessions.hpp"

namespace musubi::server {

SessionLifetimes SessionLifetimes::of(const SecurityConfig& security) {
  return SessionLifetimes{security.token_ttl_days * kDayMs,
                          security.shared_device_idle_minutes * 60 * 1000};
}

bool is_remembered(const storage::SessionRecord& session) {
  return session.expires_ms - session.last_used_ms >= kDayMs;
}

std::optional<TokenHolder> use_session_token(storage::Database& db, const TokenHash& hash,
                                             std::int64_t now_ms, const SessionLifetimes& lifetimes,
                                             std::string_view peer) {
  const auto session = storage::find_session_by_token_hash(db, hash);
  if (!session || session->revoked || session->expires_ms <= now_ms) return std::nullopt;
  auto user = storage::find_user_by_id(db, session->user_id);
  if (!user || !is_active(*user)) return std::nullopt;
  const auto expires_ms = now_ms + lifetimes.for_kind(is_remembered(*session));
  storage::touch_session(db, session->id, now_ms, expires_ms);
  if (!peer.empty() && peer != session->last_peer) {
    // A session from before addresses were kept (empty) just starts with this one.
    if (!session->last_peer.empty()) {
      storage::append_audit(db, now_ms, user->id, "session.new_address", std::nullopt,
                            "session=" + std::to_string(session->id) +
                                " peer=" + std::string(peer) + " previous=" + session->last_peer);
    }
    storage::set_session_peer(db, session->id, peer);
  }
  return TokenHolder{std::move(*user), session->id, expires_ms};
}

std::optional<std::string_view> bearer_token(const HttpRequest& request) {
  const auto it = request.find(boost::beast::http::field::authorization);
  if (it == request.end()) return std::nullopt;
  std::string_view value(it->value().data(), it->value().size());
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 9110, 11.1).
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return std::nullopt;
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace musubi::server
