#include "server/self_signed_certificate.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

namespace fs = std::filesystem;

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PKeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using Cert = std::unique_ptr<X509, X509Free>;
using PKey = std::unique_ptr<EVP_PKEY, PKeyFree>;

Cert read_cert(const fs::path& file) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(file.c_str(), "r"));
  if (!f) return nullptr;
  return Cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
}

PKey read_key(const fs::path& file) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(file.c_str(), "r"));
  if (!f) return nullptr;
  return PKey(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
}

// subjectAltName entries as "DNS:name" and "IP:address" strings.
std::set<std::string> subject_alt_names(X509* cert) {
  std::set<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      out.insert("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                      static_cast<std::size_t>(ASN1_STRING_length(dns))));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text);
      out.insert(std::string("IP:") + text);
    } else {
      out.insert("other");
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string subject_entry(X509* cert, int nid) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, buf, sizeof buf);
  return buf;
}

unsigned mode_of(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// The SHA-256 of the certificate's DER encoding, as uppercase hex pairs joined by colons.
std::string expected_fingerprint(X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  EVP_Digest(der, static_cast<std::size_t>(length), md, &md_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < md_length; ++i) {
    std::snprintf(hex, sizeof hex, "%02X", md[i]);
    if (i) out += ':';
    out += hex;
  }
  return out;
}

class SelfSignedCertificate : public ::testing::Test {
 protected:
  fs::path cert_file() const { return dir_.path() / "cert.pem"; }
  fs::path key_file() const { return dir_.path() / "key.pem"; }

  void write(const std::vector<std::string>& names) {
    write_self_signed_certificate(cert_file(), key_file(), names);
  }

  musubi::testing::TempDir dir_;
};

TEST_F(SelfSignedCertificate, WritesCertificateAndKey) {
  write({"musubi.example.jp", "localhost", "127.0.0.1", "::1"});
  const auto cert = read_cert(cert_file());
  const auto key = read_key(key_file());
  ASSERT_NE(cert, nullptr);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
}

TEST_F(SelfSignedCertificate, KeyFileIsReadableByTheOwnerOnly) {
  write({"localhost"});
  EXPECT_EQ(mode_of(key_file()), 0600u);
}

TEST_F(SelfSignedCertificate, ReplacingAnExistingKeyStillLeavesItPrivate) {
  // Regression (fixed): server/self_signed_certificate.cpp:54 passes the mode to
  // open(O_CREAT|O_TRUNC), which only applies when the file is created: a key written over an
  // existing world-readable file keeps that file's mode, so the new private key is readable by
  // everyone. The file should be created afresh (unlink or write to a temporary and rename) or
  // fchmod'ed.
  std::ofstream(key_file()) << "old key";
  fs::permissions(key_file(), fs::perms(0644), fs::perm_options::replace);
  write({"localhost"});
  EXPECT_EQ(mode_of(key_file()), 0600u);
}

TEST_F(SelfSignedCertificate, SubjectAltNameHoldsEveryNameAsDnsOrIp) {
  write({"musubi.example.jp", "localhost", "127.0.0.1", "::1", "192.168.1.20"});
  const auto cert = read_cert(cert_file());
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(subject_alt_names(cert.get()),
            (std::set<std::string>{"DNS:musubi.example.jp", "DNS:localhost", "IP:127.0.0.1",
                                   "IP:::1", "IP:192.168.1.20"}));
}

TEST_F(SelfSignedCertificate, SubjectNamesTheFirstNameAndIsItsOwnIssuer) {
  write({"musubi.example.jp", "localhost"});
  const auto cert = read_cert(cert_file());
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(subject_entry(cert.get(), NID_commonName), "musubi.example.jp");
  EXPECT_EQ(subject_entry(cert.get(), NID_organizationName), "musubi");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
  PKey public_key(X509_get_pubkey(cert.get()));
  EXPECT_EQ(X509_verify(cert.get(), public_key.get()), 1);
}

TEST_F(SelfSignedCertificate, EcdsaP256KeyAndSha256Signature) {
  write({"localhost"});
  const auto cert = read_cert(cert_file());
  ASSERT_NE(cert, nullptr);
  PKey key(X509_get_pubkey(cert.get()));
  EXPECT_EQ(EVP_PKEY_get_base_id(key.get()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 256);
  char group[64] = {};
  std::size_t group_length = 0;
  ASSERT_EQ(EVP_PKEY_get_utf8_string_param(key.get(), "group", group, sizeof group, &group_length),
            1);
  EXPECT_EQ(std::string(group), "prime256v1");
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_get_version(cert.get()), 2);  // X.509 v3
}

TEST_F(SelfSignedCertificate, ValidFrom1HourAgoFor825Days) {
  write({"localhost"});
  const auto cert = read_cert(cert_file());
  ASSERT_NE(cert, nullptr);
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_EQ(days, 825);
  EXPECT_EQ(seconds, 3600);
  // Valid now.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert.get())), 0);
}

TEST_F(SelfSignedCertificate, ExtensionsForAServerCertificate) {
  write({"localhost"});
  const auto cert = read_cert(cert_file());
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_NE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER, 0u);
  EXPECT_NE(X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE, 0u);
  EXPECT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
  // OpenSSL's own host check agrees with the names.
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "evil.example", 0, 0, nullptr), 0);
}

TEST_F(SelfSignedCertificate, EveryCertificateHasItsOwnSerialAndKey) {
  write({"localhost"});
  const auto first = read_cert(cert_file());
  const auto first_key = read_key(key_file());
  write({"localhost"});
  const auto second = read_cert(cert_file());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(first.get()), X509_get0_serialNumber(second.get())),
      0);
  EXPECT_NE(X509_check_private_key(second.get(), first_key.get()), 1);
  // The serial is positive.
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(second.get()), nullptr);
  EXPECT_FALSE(BN_is_negative(serial));
  BN_free(serial);
}

TEST_F(SelfSignedCertificate, FingerprintIsSha256OfTheDerInColonHex) {
  write({"localhost"});
  const auto fingerprint = certificate_fingerprint(cert_file());
  EXPECT_TRUE(std::regex_match(fingerprint, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")))
      << fingerprint;
  const auto cert = read_cert(cert_file());
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(fingerprint, expected_fingerprint(cert.get()));
  EXPECT_EQ(certificate_fingerprint(cert_file()), fingerprint);
}

TEST_F(SelfSignedCertificate, NewCertificateHasANewFingerprint) {
  write({"localhost"});
  const auto first = certificate_fingerprint(cert_file());
  write({"localhost"});
  EXPECT_NE(certificate_fingerprint(cert_file()), first);
}

TEST_F(SelfSignedCertificate, FingerprintOfAMissingFileThrows) {
  try {
    certificate_fingerprint(dir_.path() / "absent.pem");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read " + (dir_.path() / "absent.pem").string());
  }
}

TEST_F(SelfSignedCertificate, FingerprintOfANonCertificateThrows) {
  std::ofstream(cert_file()) << "not a certificate\n";
  try {
    certificate_fingerprint(cert_file());
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "certificate: not a PEM certificate");
  }
}

TEST_F(SelfSignedCertificate, UnwritableDirectoryThrows) {
  EXPECT_THROW(write_self_signed_certificate(dir_.path() / "no" / "cert.pem",
                                             dir_.path() / "no" / "key.pem", {"localhost"}),
               std::runtime_error);
}

}  // namespace
}  // namespace musubi::server
