// The TLS policy, seen by raw OpenSSL clients that offer exactly one protocol version or a chosen
// set of suites: only TLS 1.2 and 1.3, only forward-secret (ECDHE) key exchange with AEAD
// ciphers. Refusals are checked to be the server's alert, not the client failing to offer.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tests/support/raw_tls_client.hpp"
#include "tests/support/rsa_certificate.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

// One handshake with the server offering `offer`.
TlsHandshake handshake(const TestServer& server, const TlsOffer& offer) {
  return RawTlsClient(server.port(), offer).handshake();
}

// The server said no with an alert: to the protocol version, or for want of a shared suite.
void expect_refused(const TlsHandshake& h, int reason) {
  EXPECT_FALSE(h.established) << "negotiated " << h.version << " " << h.cipher;
  EXPECT_EQ(h.error_reason, reason) << h.error;
}

void expect_forward_secret_aead(const TlsHandshake& h) {
  EXPECT_TRUE(h.aead) << h.cipher;
  EXPECT_TRUE(h.key_exchange == NID_kx_ecdhe ||
              (h.version == "TLSv1.3" && h.key_exchange == NID_kx_any))
      << h.cipher;
}

// Whether this OpenSSL has the TLS 1.2 suites `ciphers` at all.
bool client_can_offer(const std::string& ciphers) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  const bool can = SSL_CTX_set_cipher_list(ctx, (ciphers + ":@SECLEVEL=0").c_str()) == 1;
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return can;
}

TlsOffer only(int version, std::string ciphers = "", std::string tls13_suites = "") {
  return TlsOffer{version, version, std::move(ciphers), std::move(tls13_suites)};
}

// The server's own ECDSA certificate, and an RSA one as many deployments will have.
class TlsPolicy : public ::testing::TestWithParam<bool> {
 protected:
  TlsPolicy()
      : server_([this](server::ServerConfig& c) {
          if (!GetParam()) return;
          const auto files = write_rsa_certificate(certificates_.path());
          c.cert_file = files.cert;
          c.key_file = files.key;
        }) {}

  bool rsa() const { return GetParam(); }
  // "ECDHE-RSA-" or "ECDHE-ECDSA-": the forward-secret suites this certificate can sign.
  std::string ecdhe() const { return rsa() ? "ECDHE-RSA-" : "ECDHE-ECDSA-"; }

  TempDir certificates_;
  TestServer server_;
};

TEST_P(TlsPolicy, Tls10AndTls11AreRefused) {
  const std::string anything = "ALL";
  expect_refused(handshake(server_, only(TLS1_VERSION, anything)),
                 SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
  expect_refused(handshake(server_, only(TLS1_1_VERSION, anything)),
                 SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
  // Offering 1.0 to 1.1 at most is no better.
  expect_refused(handshake(server_, TlsOffer{TLS1_VERSION, TLS1_1_VERSION, anything, ""}),
                 SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
}

TEST_P(TlsPolicy, Tls12WithoutForwardSecrecyOrWithoutAeadIsRefused) {
  // Static RSA key exchange (no forward secrecy), CBC and AEAD alike; finite-field DHE; then
  // ECDHE with CBC or with no encryption at all.
  const std::vector<std::string> weak = {"AES128-SHA",
                                         "AES256-SHA256",
                                         "AES128-GCM-SHA256",
                                         "AES256-GCM-SHA384",
                                         "DHE-RSA-AES128-GCM-SHA256",
                                         ecdhe() + "AES128-SHA",
                                         ecdhe() + "AES256-SHA384",
                                         ecdhe() + "NULL-SHA"};
  for (const auto& suite : weak) {
    SCOPED_TRACE(suite);
    expect_refused(handshake(server_, only(TLS1_2_VERSION, suite)),
                   SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
  }
  // 3DES (Sweet32), where this OpenSSL still has it: Debian 12's does not.
  for (const auto& suite : std::vector<std::string>{"DES-CBC3-SHA", ecdhe() + "DES-CBC3-SHA"}) {
    if (!client_can_offer(suite)) continue;
    SCOPED_TRACE(suite);
    expect_refused(handshake(server_, only(TLS1_2_VERSION, suite)),
                   SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
  }
}

TEST_P(TlsPolicy, Tls12WithEcdheAndAeadIsAccepted) {
  const std::vector<std::string> strong = {
      ecdhe() + "AES128-GCM-SHA256", ecdhe() + "AES256-GCM-SHA384", ecdhe() + "CHACHA20-POLY1305"};
  for (const auto& suite : strong) {
    SCOPED_TRACE(suite);
    const auto h = handshake(server_, only(TLS1_2_VERSION, suite));
    ASSERT_TRUE(h.established) << h.error;
    EXPECT_EQ(h.version, "TLSv1.2");
    EXPECT_EQ(h.cipher, suite);
    expect_forward_secret_aead(h);
  }
}

TEST_P(TlsPolicy, Tls12ClientOfferingEverythingGetsAForwardSecretAeadSuite) {
  const auto h = handshake(server_, only(TLS1_2_VERSION, "ALL:COMPLEMENTOFALL"));
  ASSERT_TRUE(h.established) << h.error;
  expect_forward_secret_aead(h);
}

TEST_P(TlsPolicy, Tls13IsAcceptedWithAnAeadSuite) {
  const auto h = handshake(server_, only(TLS1_3_VERSION));
  ASSERT_TRUE(h.established) << h.error;
  EXPECT_EQ(h.version, "TLSv1.3");
  expect_forward_secret_aead(h);
  for (const std::string suite :
       {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    SCOPED_TRACE(suite);
    const auto chosen = handshake(server_, only(TLS1_3_VERSION, "", suite));
    ASSERT_TRUE(chosen.established) << chosen.error;
    EXPECT_EQ(chosen.cipher, suite);
  }
}

TEST_P(TlsPolicy, Tls13WithTheShortTagCcmSuiteIsRefused) {
  // AES-CCM with an 8-byte tag: an AEAD, but with a tag too short for a long-lived session.
  expect_refused(handshake(server_, only(TLS1_3_VERSION, "", "TLS_AES_128_CCM_8_SHA256")),
                 SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}

TEST_P(TlsPolicy, ADefaultClientGetsTls13) {
  const auto h = handshake(server_, TlsOffer{});
  ASSERT_TRUE(h.established) << h.error;
  EXPECT_EQ(h.version, "TLSv1.3");
}

INSTANTIATE_TEST_SUITE_P(Certificates, TlsPolicy, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& certificate) {
                           return certificate.param ? "Rsa" : "Ecdsa";
                         });

}  // namespace
}  // namespace musubi::testing
