#include "tests/support/rsa_certificate.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace musubi::testing {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(std::FILE* f) const { std::fclose(f); }
};

void require(bool ok, const char* step) {
  if (!ok) throw std::runtime_error(std::string("RSA test certificate: ") + step);
}

std::unique_ptr<std::FILE, Free> open_for_writing(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, Free> f(std::fopen(path.c_str(), "w"));
  require(f != nullptr, "cannot create a file");
  return f;
}

}  // namespace

CertificateFiles write_rsa_certificate(const std::filesystem::path& dir) {
  std::unique_ptr<EVP_PKEY, Free> key(EVP_RSA_gen(2048));
  require(key != nullptr, "key generation");
  std::unique_ptr<X509, Free> cert(X509_new());
  require(cert != nullptr, "allocation");
  require(X509_set_version(cert.get(), 2) == 1, "version");
  require(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1, "serial");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  require(X509_set_pubkey(cert.get(), key.get()) == 1, "public key");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  require(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
  // No key usage extension: the key may sign (ECDHE-RSA) and encrypt (static RSA) alike.
  std::unique_ptr<X509_EXTENSION, Free> san(
      X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"));
  require(san && X509_add_ext(cert.get(), san.get(), -1) == 1, "subject alternative name");
  require(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signature");

  CertificateFiles files{dir / "rsa-cert.pem", dir / "rsa-key.pem"};
  require(PEM_write_PrivateKey(open_for_writing(files.key).get(), key.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) == 1,
          "writing the key");
  require(PEM_write_X509(open_for_writing(files.cert).get(), cert.get()) == 1,
          "writing the certificate");
  return files;
}

}  // namespace musubi::testing
