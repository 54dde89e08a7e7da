#include "server/password_hasher.hpp"

#include <string>

#include <gtest/gtest.h>

namespace musubi::server {
namespace {

// The smallest cost libsodium allows, so that the tests stay fast.
class PasswordHasherTest : public ::testing::Test {
 protected:
  PasswordHasher hasher_{1, 1024};
};

TEST_F(PasswordHasherTest, HashIsArgon2idWithTheConfiguredCost) {
  const auto hash = hasher_.hash("correct horse");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << hash;
}

TEST_F(PasswordHasherTest, RightPasswordVerifies) {
  const auto hash = hasher_.hash("correct horse");
  EXPECT_TRUE(hasher_.verify(hash, "correct horse"));
}

TEST_F(PasswordHasherTest, WrongPasswordDoesNotVerify) {
  const auto hash = hasher_.hash("correct horse");
  EXPECT_FALSE(hasher_.verify(hash, "correct horsE"));
  EXPECT_FALSE(hasher_.verify(hash, "correct horse "));
  EXPECT_FALSE(hasher_.verify(hash, ""));
}

TEST_F(PasswordHasherTest, SaltMakesEveryHashDifferent) {
  const auto a = hasher_.hash("same password");
  const auto b = hasher_.hash("same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher_.verify(a, "same password"));
  EXPECT_TRUE(hasher_.verify(b, "same password"));
}

TEST_F(PasswordHasherTest, JapanesePassword) {
  const auto hash = hasher_.hash("訪問看護ステーション");
  EXPECT_TRUE(hasher_.verify(hash, "訪問看護ステーション"));
  EXPECT_FALSE(hasher_.verify(hash, "訪問看護ステーショ"));
}

TEST_F(PasswordHasherTest, EveryByteCountsEvenAfterANul) {
  const std::string with_nul("abc\0def", 7);
  const auto hash = hasher_.hash(with_nul);
  EXPECT_TRUE(hasher_.verify(hash, with_nul));
  EXPECT_FALSE(hasher_.verify(hash, "abc"));
}

TEST_F(PasswordHasherTest, GarbageHashDoesNotVerify) {
  EXPECT_FALSE(hasher_.verify("", "x"));
  EXPECT_FALSE(hasher_.verify("not a hash", "not a hash"));
  EXPECT_FALSE(hasher_.verify("$argon2id$v=19$m=1024,t=1,p=1$", "x"));
}

TEST_F(PasswordHasherTest, HashCarriesItsOwnParameters) {
  // A hash made at another cost still verifies: raising the cost later keeps old logins working.
  const PasswordHasher other(2, 2048);
  const auto hash = other.hash("pw");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=2048,t=2,p=1$")) << hash;
  EXPECT_TRUE(hasher_.verify(hash, "pw"));
}

TEST_F(PasswordHasherTest, CostBelowTheMinimumIsRaisedToIt) {
  const PasswordHasher tiny(0, 1);
  const auto hash = tiny.hash("pw");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << hash;
  EXPECT_TRUE(tiny.verify(hash, "pw"));
}

TEST_F(PasswordHasherTest, VerifyDummyDoesNotThrow) {
  EXPECT_NO_THROW(hasher_.verify_dummy("any password"));
  EXPECT_NO_THROW(hasher_.verify_dummy(""));
}

TEST(InitCrypto, CanBeCalledRepeatedly) {
  EXPECT_NO_THROW(init_crypto());
  EXPECT_NO_THROW(init_crypto());
}

}  // namespace
}  // namespace musubi::server
