#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/http_routes.hpp"
#include "server/random_secrets.hpp"
#include "storage/users.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

struct TokenHolder {
  storage::User user;
  std::int64_t session_id = 0;
};

// The active user whose live session the token is, for session.resume and for HTTP requests
// that carry the token. Records the use and slides the session's expiry by `ttl_ms`, so it
// runs in a write job. nullopt: unknown, revoked or expired token, or a disabled user.
std::optional<TokenHolder> use_session_token(storage::Database& db, const TokenHash& hash,
                                             std::int64_t now_ms, std::int64_t ttl_ms);

// The token of an HTTP request's "Authorization: Bearer <token>" header.
std::optional<std::string_view> bearer_token(const HttpRequest& request);

}  // namespace musubi::server
