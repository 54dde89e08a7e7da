#include "server/session_token.hpp"

#include <boost/beast/http/field.hpp>

#include "server/user_view.hpp"
#include "storage/sessions.hpp"

namespace musubi::server {

std::optional<TokenHolder> use_session_token(storage::Database& db, const TokenHash& hash,
                                             std::int64_t now_ms, std::int64_t ttl_ms) {
  const auto session = storage::find_session_by_token_hash(db, hash);
  if (!session || session->revoked || session->expires_ms <= now_ms) return std::nullopt;
  auto user = storage::find_user_by_id(db, session->user_id);
  if (!user || !is_active(*user)) return std::nullopt;
  storage::touch_session(db, session->id, now_ms, now_ms + ttl_ms);
  return TokenHolder{std::move(*user), session->id};
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
