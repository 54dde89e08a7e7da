#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {
class Database;
struct TotpState;
}  // namespace musubi::storage

namespace musubi::server {

// What a second factor typed at sign-in turned out to be.
enum class SecondFactor { rejected, totp, recovery_code };

inline constexpr std::size_t kRecoveryCodeCount = 10;

// Ten fresh recovery codes, shown to the user once: 10 base32 characters (50 random bits) each,
// as "ABCDE-FGHJK" so they can be read off paper. Only their SHA-256 is stored.
std::vector<std::string> new_recovery_codes();

// The stored form of a recovery code as typed: separators and spaces dropped, any case.
// nullopt when it cannot be one.
std::optional<std::vector<unsigned char>> recovery_code_hash(std::string_view typed);

// Checks `typed` as the user's TOTP code, or else as one of their recovery codes, and spends it
// (a code works once). Runs in the writer, so that two sign-ins racing with one code cannot both
// pass.
SecondFactor use_second_factor(storage::Database& db, std::int64_t user_id,
                               const storage::TotpState& state, std::string_view typed,
                               std::int64_t now_ms);

// Checks `typed` as a TOTP code of `secret` only (enrolment and disabling); the accepted step.
std::optional<std::int64_t> accept_totp(const std::vector<unsigned char>& secret,
                                        std::string_view typed, std::int64_t last_step,
                                        std::int64_t now_ms);

}  // namespace musubi::server
