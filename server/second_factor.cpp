#include "server/second_factor.hpp"

#include <cctype>

#include "server/random_secrets.hpp"
#include "server/totp.hpp"
#include "storage/two_factor.hpp"

namespace musubi::server {

namespace {

constexpr std::size_t kRecoveryCodeChars = 10;

// Drops what people type between groups of characters.
std::string compact(std::string_view typed) {
  std::string out;
  for (const char c : typed) {
    if (c != ' ' && c != '-') out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<std::string> new_recovery_codes() {
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < kRecoveryCodeCount; ++i) {
    std::string raw = random_base32(kRecoveryCodeChars);
    for (auto& c : raw)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    codes.push_back(raw.substr(0, 5) + "-" + raw.substr(5));
  }
  return codes;
}

std::optional<std::vector<unsigned char>> recovery_code_hash(std::string_view typed) {
  std::string code = compact(typed);
  if (code.size() != kRecoveryCodeChars) return std::nullopt;
  for (auto& c : code) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool base32 = (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
    if (!base32) return std::nullopt;
  }
  const auto hash = hash_token(code);
  return std::vector<unsigned char>(hash.begin(), hash.end());
}

std::optional<std::int64_t> accept_totp(const std::vector<unsigned char>& secret,
                                        std::string_view typed, std::int64_t last_step,
                                        std::int64_t now_ms) {
  if (secret.empty()) return std::nullopt;
  return totp::accept(secret, compact(typed), now_ms / 1000, last_step);
}

SecondFactor use_second_factor(storage::Database& db, std::int64_t user_id,
                               const storage::TotpState& state, std::string_view typed,
                               std::int64_t now_ms) {
  if (const auto step = accept_totp(state.secret, typed, state.last_step, now_ms)) {
    return storage::use_totp_step(db, user_id, *step) ? SecondFactor::totp : SecondFactor::rejected;
  }
  if (const auto hash = recovery_code_hash(typed)) {
    if (storage::use_recovery_code(db, user_id, *hash, now_ms)) return SecondFactor::recovery_code;
  }
  return SecondFactor::rejected;
}

}  // namespace musubi::server
