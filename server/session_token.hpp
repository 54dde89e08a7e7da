#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/config.hpp"
#include "server/http_routes.hpp"
#include "server/random_secrets.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

struct TokenHolder {
  storage::User user;
  std::int64_t session_id = 0;
  std::int64_t expires_ms = 0;  // slid by this use
};

// How long a session lives without use. A remembered device (the default) keeps its session for
// security.token_ttl_days, a shared device (sign-in with "remember": false, e.g. the PC at a
// nurses' station) for security.shared_device_idle_minutes. Which kind a session is, is not
// stored: its window (expires minus last used, both set by the same write) is at least a day for
// a remembered device and under a day for a shared one (config checks both), so the kind
// survives restarts and changes of either setting without a schema change.
struct SessionLifetimes {
  std::int64_t remembered_ms = 30 * kDayMs;
  std::int64_t shared_ms = 30LL * 60 * 1000;

  static SessionLifetimes of(const SecurityConfig& security);
  std::int64_t for_kind(bool remembered) const { return remembered ? remembered_ms : shared_ms; }
};

bool is_remembered(const storage::SessionRecord& session);

// The active user whose live session the token is, for session.resume and for HTTP requests
// that carry the token. Records the use and slides the session's expiry by its kind's lifetime,
// so it runs in a write job. When `peer` differs from the session's last address, audits
// "session.new_address" and keeps the new one (a stolen token used elsewhere shows up in the
// audit log). nullopt: unknown, revoked or expired token, or a disabled user.
std::optional<TokenHolder> use_session_token(storage::Database& db, const TokenHash& hash,
                                             std::int64_t now_ms, const SessionLifetimes& lifetimes,
                                             std::string_view peer);

// The token of an HTTP request's "Authorization: Bearer <token>" header.
std::optional<std::string_view> bearer_token(const HttpRequest& request);

}  // namespace musubi::server
