#include "server/totp.hpp"

#include <string>

#include <gtest/gtest.h>

namespace musubi::server::totp {
namespace {

// RFC 6238, appendix B: the SHA-1 secret is the ASCII text "12345678901234567890".
const std::string kRfcSecret = "12345678901234567890";
std::span<const unsigned char> rfc_secret() {
  return {reinterpret_cast<const unsigned char*>(kRfcSecret.data()), kRfcSecret.size()};
}

TEST(Totp, MatchesTheRfc6238TestVectors) {
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(code_at(rfc_secret(), step_at(time), 8), code) << time;
    // Six digits are the last six of the same number.
    EXPECT_EQ(code_at(rfc_secret(), step_at(time)), std::string(code).substr(2)) << time;
  }
}

TEST(Totp, AcceptsTheCurrentCodeAndOneStepOfDriftEitherWay) {
  const std::int64_t now = 1'800'000'000;
  const auto step = step_at(now);
  for (const auto s : {step - 1, step, step + 1}) {
    EXPECT_EQ(accept(rfc_secret(), code_at(rfc_secret(), s), now, 0), s);
  }
  EXPECT_FALSE(accept(rfc_secret(), code_at(rfc_secret(), step - 2), now, 0));
  EXPECT_FALSE(accept(rfc_secret(), code_at(rfc_secret(), step + 2), now, 0));
}

TEST(Totp, ACodeIsAcceptedOnlyOnce) {
  const std::int64_t now = 1'800'000'000;
  const auto code = code_at(rfc_secret(), step_at(now));
  const auto used = accept(rfc_secret(), code, now, 0);
  ASSERT_TRUE(used);
  EXPECT_FALSE(accept(rfc_secret(), code, now, *used));
  // Nor an older one after a newer one was used.
  EXPECT_FALSE(accept(rfc_secret(), code_at(rfc_secret(), step_at(now) - 1), now, *used));
}

TEST(Totp, RefusesMalformedCodes) {
  const std::int64_t now = 1'800'000'000;
  const auto code = code_at(rfc_secret(), step_at(now));
  EXPECT_FALSE(accept(rfc_secret(), code.substr(1), now, 0));
  EXPECT_FALSE(accept(rfc_secret(), code + "0", now, 0));
  EXPECT_FALSE(accept(rfc_secret(), "", now, 0));
  EXPECT_FALSE(accept(rfc_secret(), "abcdef", now, 0));
}

TEST(Base32, EncodesRfc4648VectorsWithoutPadding) {
  const auto encode = [](std::string_view text) {
    return base32({reinterpret_cast<const unsigned char*>(text.data()), text.size()});
  };
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "MY");
  EXPECT_EQ(encode("fo"), "MZXQ");
  EXPECT_EQ(encode("foo"), "MZXW6");
  EXPECT_EQ(encode("foob"), "MZXW6YQ");
  EXPECT_EQ(encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(encode(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(ProvisioningUri, NamesIssuerAccountAndParameters) {
  EXPECT_EQ(provisioning_uri("musubi 柏市", "sato.h", rfc_secret()),
            "otpauth://totp/musubi%20%E6%9F%8F%E5%B8%82:sato.h?secret="
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=musubi%20%E6%9F%8F%E5%B8%82"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace musubi::server::totp
