// use_session_token: the sliding lifetime of each kind of session, and the audit of a token used
// from a new address.
#include "server/session_token.hpp"

#include <gtest/gtest.h>

#include "storage/audit.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::server {
namespace {

constexpr std::int64_t kMinuteMs = 60 * 1000;
constexpr std::int64_t kT0 = 1'800'000'000'000;

class SessionToken : public storage::test::StorageTest {
 protected:
  SessionToken() : tanaka_(add_user("tanaka")) {}

  // A session signed in at kT0 from 192.0.2.1, as finish_sign_in makes it.
  std::int64_t sign_in(const std::string& token, bool remember) {
    return storage::insert_session(db_, tanaka_, hash_token(token), "device", kT0,
                                   kT0 + lifetimes_.for_kind(remember), "192.0.2.1");
  }

  std::vector<std::string> audit(const std::string& action) {
    storage::AuditQuery q;
    q.action = action;
    q.newest_first = false;
    std::vector<std::string> out;
    for (const auto& e : storage::list_audit(db_, q))
      out.push_back(e.detail);
    return out;
  }

  SessionLifetimes lifetimes_{30 * kDayMs, 30 * kMinuteMs};
  std::int64_t tanaka_;
};

TEST_F(SessionToken, RememberedDeviceSlidesByDays) {
  const auto id = sign_in("mst_a", true);
  const auto used = kT0 + 10 * kDayMs;
  const auto holder = use_session_token(db_, hash_token("mst_a"), used, lifetimes_, "192.0.2.1");
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->session_id, id);
  EXPECT_EQ(holder->expires_ms, used + 30 * kDayMs);
  EXPECT_TRUE(is_remembered(*storage::find_session(db_, id)));
}

TEST_F(SessionToken, SharedDeviceKeepsItsShortLifetimeOnEveryUse) {
  const auto id = sign_in("mst_s", false);
  auto at = kT0;
  for (int i = 0; i < 3; ++i) {
    at += 20 * kMinuteMs;  // within the idle time
    const auto holder = use_session_token(db_, hash_token("mst_s"), at, lifetimes_, "192.0.2.1");
    ASSERT_TRUE(holder.has_value()) << i;
    EXPECT_EQ(holder->expires_ms, at + 30 * kMinuteMs);
  }
  EXPECT_FALSE(is_remembered(*storage::find_session(db_, id)));
  // Idle for longer than that: gone.
  EXPECT_FALSE(
      use_session_token(db_, hash_token("mst_s"), at + 31 * kMinuteMs, lifetimes_, "192.0.2.1"));
}

TEST_F(SessionToken, KindSurvivesAChangedSetting) {
  sign_in("mst_s", false);
  sign_in("mst_r", true);
  const SessionLifetimes changed{7 * kDayMs, 10 * kMinuteMs};
  const auto at = kT0 + kMinuteMs;
  EXPECT_EQ(use_session_token(db_, hash_token("mst_s"), at, changed, "192.0.2.1")->expires_ms,
            at + 10 * kMinuteMs);
  EXPECT_EQ(use_session_token(db_, hash_token("mst_r"), at, changed, "192.0.2.1")->expires_ms,
            at + 7 * kDayMs);
}

TEST_F(SessionToken, UseFromANewAddressIsAuditedOnceAndRemembered) {
  const auto id = sign_in("mst_a", true);
  ASSERT_TRUE(use_session_token(db_, hash_token("mst_a"), kT0 + 1, lifetimes_, "192.0.2.1"));
  EXPECT_TRUE(audit("session.new_address").empty());
  ASSERT_TRUE(use_session_token(db_, hash_token("mst_a"), kT0 + 2, lifetimes_, "203.0.113.5"));
  ASSERT_TRUE(use_session_token(db_, hash_token("mst_a"), kT0 + 3, lifetimes_, "203.0.113.5"));
  const auto entries = audit("session.new_address");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0], "session=" + std::to_string(id) + " peer=203.0.113.5 previous=192.0.2.1");
  EXPECT_EQ(entries[0].find("mst_"), std::string::npos);
  EXPECT_EQ(storage::find_session(db_, id)->last_peer, "203.0.113.5");
}

TEST_F(SessionToken, SessionWithoutAKnownAddressJustStartsWithThisOne) {
  const auto id = storage::insert_session(db_, tanaka_, hash_token("mst_old"), "device", kT0,
                                          kT0 + 30 * kDayMs);
  ASSERT_TRUE(use_session_token(db_, hash_token("mst_old"), kT0 + 1, lifetimes_, "192.0.2.7"));
  EXPECT_TRUE(audit("session.new_address").empty());
  EXPECT_EQ(storage::find_session(db_, id)->last_peer, "192.0.2.7");
}

TEST_F(SessionToken, RevokedExpiredOrUnknownTokensAreRefusedWithoutSliding) {
  const auto id = sign_in("mst_a", true);
  EXPECT_FALSE(use_session_token(db_, hash_token("mst_nope"), kT0 + 1, lifetimes_, "192.0.2.1"));
  EXPECT_FALSE(
      use_session_token(db_, hash_token("mst_a"), kT0 + 31 * kDayMs, lifetimes_, "192.0.2.9"));
  storage::revoke_session(db_, id, kT0 + 2, "revoked");
  EXPECT_FALSE(use_session_token(db_, hash_token("mst_a"), kT0 + 3, lifetimes_, "192.0.2.9"));
  EXPECT_EQ(storage::find_session(db_, id)->last_peer, "192.0.2.1");
  EXPECT_TRUE(audit("session.new_address").empty());
}

}  // namespace
}  // namespace musubi::server
