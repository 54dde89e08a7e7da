#include "storage/two_factor.hpp"

#include <gtest/gtest.h>

#include "storage/users.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage::test {
namespace {

class TwoFactorStorage : public StorageTest {
 protected:
  const std::vector<unsigned char> secret = std::vector<unsigned char>(20, 0x42);
  std::vector<unsigned char> hash(unsigned char byte) {
    return std::vector<unsigned char>(32, byte);
  }
};

TEST_F(TwoFactorStorage, EnrolmentIsPendingUntilEnabled) {
  const auto user = add_user("a");
  EXPECT_FALSE(totp_state(db_, user).enabled());
  set_pending_totp(db_, user, secret);
  auto state = totp_state(db_, user);
  EXPECT_EQ(state.pending, secret);
  EXPECT_TRUE(state.secret.empty());
  EXPECT_FALSE(find_user_by_id(db_, user)->two_factor);

  enable_totp(db_, user, 1234, 5000);
  state = totp_state(db_, user);
  EXPECT_TRUE(state.enabled());
  EXPECT_EQ(state.secret, secret);
  EXPECT_TRUE(state.pending.empty());
  EXPECT_EQ(state.last_step, 1234);
  EXPECT_EQ(*state.enabled_ms, 5000);
  EXPECT_TRUE(find_user_by_id(db_, user)->two_factor);
  EXPECT_TRUE(find_user_by_login(db_, "a")->two_factor);
}

TEST_F(TwoFactorStorage, EnablingWithoutAnEnrolmentChangesNothing) {
  const auto user = add_user("a");
  enable_totp(db_, user, 1, 5000);
  EXPECT_FALSE(totp_state(db_, user).enabled());
}

TEST_F(TwoFactorStorage, EachStepIsUsedOnceAndNeverAnEarlierOne) {
  const auto user = add_user("a");
  set_pending_totp(db_, user, secret);
  enable_totp(db_, user, 100, 5000);
  EXPECT_FALSE(use_totp_step(db_, user, 100));
  EXPECT_FALSE(use_totp_step(db_, user, 99));
  EXPECT_TRUE(use_totp_step(db_, user, 101));
  EXPECT_FALSE(use_totp_step(db_, user, 101));
  EXPECT_EQ(totp_state(db_, user).last_step, 101);
}

TEST_F(TwoFactorStorage, RecoveryCodesWorkOnceAndOnlyForTheirOwner) {
  const auto a = add_user("a");
  const auto b = add_user("b");
  const std::vector<std::vector<unsigned char>> codes = {hash(1), hash(2), hash(3)};
  replace_recovery_codes(db_, a, codes);
  EXPECT_EQ(unused_recovery_codes(db_, a), 3);
  EXPECT_FALSE(use_recovery_code(db_, b, hash(1), 10));
  EXPECT_TRUE(use_recovery_code(db_, a, hash(1), 10));
  EXPECT_FALSE(use_recovery_code(db_, a, hash(1), 11));
  EXPECT_FALSE(use_recovery_code(db_, a, hash(9), 11));
  EXPECT_EQ(unused_recovery_codes(db_, a), 2);

  // Replacing drops the old codes, used or not.
  const std::vector<std::vector<unsigned char>> fresh = {hash(7)};
  replace_recovery_codes(db_, a, fresh);
  EXPECT_FALSE(use_recovery_code(db_, a, hash(2), 12));
  EXPECT_EQ(unused_recovery_codes(db_, a), 1);
}

TEST_F(TwoFactorStorage, DisablingForgetsSecretsAndCodes) {
  const auto user = add_user("a");
  set_pending_totp(db_, user, secret);
  enable_totp(db_, user, 100, 5000);
  const std::vector<std::vector<unsigned char>> codes = {hash(1)};
  replace_recovery_codes(db_, user, codes);
  disable_totp(db_, user);
  const auto state = totp_state(db_, user);
  EXPECT_FALSE(state.enabled());
  EXPECT_TRUE(state.secret.empty());
  EXPECT_EQ(state.last_step, 0);
  EXPECT_EQ(unused_recovery_codes(db_, user), 0);
  EXPECT_FALSE(find_user_by_id(db_, user)->two_factor);
}

}  // namespace
}  // namespace musubi::storage::test
