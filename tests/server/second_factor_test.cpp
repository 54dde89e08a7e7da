#include "server/second_factor.hpp"

#include <set>

#include <gtest/gtest.h>

#include "server/totp.hpp"
#include "storage/two_factor.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::server {
namespace {

constexpr std::int64_t kNowMs = 1'700'000'000'000;
constexpr std::int64_t kStep = kNowMs / 1000 / totp::kPeriodSeconds;

TEST(RecoveryCodes, TenDistinctCodesInGroupsOfFive) {
  const auto codes = new_recovery_codes();
  ASSERT_EQ(codes.size(), kRecoveryCodeCount);
  std::set<std::string> distinct(codes.begin(), codes.end());
  EXPECT_EQ(distinct.size(), codes.size());
  for (const auto& code : codes) {
    ASSERT_EQ(code.size(), 11u) << code;
    EXPECT_EQ(code[5], '-');
    for (std::size_t i = 0; i < code.size(); ++i) {
      if (i == 5) continue;
      const char c = code[i];
      EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) << code;
    }
  }
}

TEST(RecoveryCodes, TypedFormsHashAlike) {
  const auto stored = recovery_code_hash("ABCDE-FGH23");
  ASSERT_TRUE(stored);
  EXPECT_EQ(recovery_code_hash("abcde fgh23"), stored);
  EXPECT_EQ(recovery_code_hash("ABCDEFGH23"), stored);
  EXPECT_EQ(recovery_code_hash(" abcde-fgh23 "), stored);
  EXPECT_NE(recovery_code_hash("ABCDE-FGH24"), stored);
}

TEST(RecoveryCodes, AnythingElseIsNoCode) {
  EXPECT_FALSE(recovery_code_hash(""));
  EXPECT_FALSE(recovery_code_hash("123456"));
  EXPECT_FALSE(recovery_code_hash("ABCDE-FGH2"));    // too short
  EXPECT_FALSE(recovery_code_hash("ABCDE-FGH234"));  // too long
  EXPECT_FALSE(recovery_code_hash("ABCDE-FGH18"));   // 1 and 8 are not base32
  EXPECT_FALSE(recovery_code_hash("ABCDE\tFGH23"));
}

class SecondFactorCheck : public storage::test::StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    user_ = add_user("a");
    storage::set_pending_totp(db_, user_, secret_);
    storage::enable_totp(db_, user_, kStep - 5, 1);
  }
  SecondFactor use(const std::string& typed) {
    return use_second_factor(db_, user_, storage::totp_state(db_, user_), typed, kNowMs);
  }
  const std::vector<unsigned char> secret_ = std::vector<unsigned char>(20, 0x5a);
  std::int64_t user_ = 0;
};

TEST_F(SecondFactorCheck, CurrentCodeOnceWithOneStepOfDrift) {
  EXPECT_EQ(use(totp::code_at(secret_, kStep - 2)), SecondFactor::rejected);  // too old
  EXPECT_EQ(use(totp::code_at(secret_, kStep - 1)), SecondFactor::totp);
  EXPECT_EQ(use(totp::code_at(secret_, kStep - 1)), SecondFactor::rejected);  // used
  const auto code = totp::code_at(secret_, kStep);
  EXPECT_EQ(use(code.substr(0, 3) + " " + code.substr(3)), SecondFactor::totp);
  EXPECT_EQ(use(totp::code_at(secret_, kStep)), SecondFactor::rejected);
  EXPECT_EQ(use(totp::code_at(secret_, kStep + 1)), SecondFactor::totp);
  EXPECT_EQ(use(totp::code_at(secret_, kStep + 2)), SecondFactor::rejected);  // too far ahead
}

TEST_F(SecondFactorCheck, RecoveryCodeOnce) {
  const auto codes = new_recovery_codes();
  std::vector<std::vector<unsigned char>> hashes;
  for (const auto& c : codes)
    hashes.push_back(*recovery_code_hash(c));
  storage::replace_recovery_codes(db_, user_, hashes);
  EXPECT_EQ(use(codes[2]), SecondFactor::recovery_code);
  EXPECT_EQ(use(codes[2]), SecondFactor::rejected);
  EXPECT_EQ(use("AAAAA-AAAAA"), SecondFactor::rejected);
  EXPECT_EQ(use("not a code"), SecondFactor::rejected);
  EXPECT_EQ(storage::unused_recovery_codes(db_, user_), 9);
}

TEST_F(SecondFactorCheck, NoSecretNoCode) {
  storage::disable_totp(db_, user_);
  EXPECT_EQ(use(totp::code_at(secret_, kStep)), SecondFactor::rejected);
}

}  // namespace
}  // namespace musubi::server
