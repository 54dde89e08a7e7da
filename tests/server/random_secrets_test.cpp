#include "server/random_secrets.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "server/password_hasher.hpp"

namespace musubi::server {
namespace {

class RandomSecrets : public ::testing::Test {
 protected:
  void SetUp() override { init_crypto(); }
};

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool is_base32(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
}

std::string hex(const TokenHash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : h) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

TEST_F(RandomSecrets, SessionTokenIsPrefixPlus256BitsOfBase64Url) {
  const auto token = new_session_token();
  ASSERT_TRUE(token.starts_with("mst_")) << token;
  // 32 bytes in unpadded base64 are 43 characters.
  EXPECT_EQ(token.size(), 4u + 43u) << token;
  for (char c : token.substr(4))
    EXPECT_TRUE(is_base64url(c)) << token;
}

TEST_F(RandomSecrets, SessionTokensAreUnique) {
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i)
    tokens.insert(new_session_token());
  EXPECT_EQ(tokens.size(), 1000u);
}

TEST_F(RandomSecrets, HashTokenIsSha256) {
  EXPECT_EQ(hex(hash_token("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(hash_token("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(RandomSecrets, HashTokenIsDeterministicAndDistinguishesTokens) {
  const auto token = new_session_token();
  EXPECT_EQ(hash_token(token), hash_token(token));
  EXPECT_NE(hash_token(token), hash_token(token + "x"));
  EXPECT_NE(hash_token(token), hash_token(new_session_token()));
}

TEST_F(RandomSecrets, Base32HasTheRequestedLengthAndAlphabet) {
  EXPECT_EQ(random_base32(0), "");
  for (std::size_t length : {1u, 12u, 26u, 100u}) {
    const auto text = random_base32(length);
    EXPECT_EQ(text.size(), length);
    for (char c : text)
      EXPECT_TRUE(is_base32(c)) << text;
  }
}

TEST_F(RandomSecrets, Base32UsesEveryLetterOfItsAlphabet) {
  // 32 symbols in 20000 characters: missing one has a probability of about 32 * (31/32)^20000.
  const auto text = random_base32(20000);
  const std::set<char> seen(text.begin(), text.end());
  EXPECT_EQ(std::string(seen.begin(), seen.end()), "234567abcdefghijklmnopqrstuvwxyz");
}

TEST_F(RandomSecrets, Base32IdsAreUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i)
    ids.insert(random_base32(16));
  EXPECT_EQ(ids.size(), 1000u);
}

TEST_F(RandomSecrets, BootstrapPasswordIsFourGroupsOfFive) {
  const auto password = new_bootstrap_password();
  ASSERT_EQ(password.size(), 23u) << password;
  for (std::size_t i = 0; i < password.size(); ++i) {
    if (i % 6 == 5) {
      EXPECT_EQ(password[i], '-') << password;
    } else {
      EXPECT_TRUE(is_base32(password[i])) << password;
    }
  }
  EXPECT_NE(new_bootstrap_password(), password);
}

}  // namespace
}  // namespace musubi::server
