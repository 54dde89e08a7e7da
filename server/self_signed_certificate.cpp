#include "server/self_signed_certificate.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace musubi::server {

namespace {

struct PKeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("certificate: ") + what);
}

bool is_ip_address(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtFree> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  require(ext != nullptr, "bad extension");
  require(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

// Opens for writing with the given mode, so that a private key is never world-readable, not even
// for a moment.
std::unique_ptr<std::FILE, FileClose> create_file(const std::filesystem::path& path, int mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  // An existing file keeps its mode through open(): set it, before anything is written.
  if (fd < 0 || ::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write " + path.string());
  }
  std::FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    throw std::runtime_error("cannot write " + path.string());
  }
  return std::unique_ptr<std::FILE, FileClose>(f);
}

}  // namespace

void write_self_signed_certificate(const std::filesystem::path& cert_file,
                                   const std::filesystem::path& key_file,
                                   const std::vector<std::string>& names) {
  std::unique_ptr<EVP_PKEY, PKeyFree> key(EVP_EC_gen("P-256"));
  require(key != nullptr, "key generation");

  std::unique_ptr<X509, X509Free> cert(X509_new());
  require(cert != nullptr, "allocation");
  require(X509_set_version(cert.get(), 2) == 1, "version");
  unsigned char serial[16];
  require(RAND_bytes(serial, sizeof serial) == 1, "random serial");
  serial[0] &= 0x7F;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  require(bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())), "serial");
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);
  require(X509_set_pubkey(cert.get(), key.get()) == 1, "public key");

  X509_NAME* subject = X509_get_subject_name(cert.get());
  const std::string cn = names.empty() ? "localhost" : names.front();
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("musubi"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  require(X509_set_issuer_name(cert.get(), subject) == 1, "issuer");

  std::string san;
  for (const auto& name : names) {
    if (!san.empty()) san += ",";
    san += (is_ip_address(name) ? "IP:" : "DNS:") + name;
  }
  add_extension(cert.get(), NID_subject_alt_name, san);
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  require(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signature");

  {
    auto f = create_file(key_file, 0600);
    require(PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
            "write key");
  }
  auto f = create_file(cert_file, 0644);
  require(PEM_write_X509(f.get(), cert.get()) == 1, "write certificate");
}

std::string certificate_fingerprint(const std::filesystem::path& cert_file) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(cert_file.c_str(), "r"));
  if (!f) throw std::runtime_error("cannot read " + cert_file.string());
  std::unique_ptr<X509, X509Free> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  require(cert != nullptr, "not a PEM certificate");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  require(X509_digest(cert.get(), EVP_sha256(), md, &len) == 1, "digest");
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

}  // namespace musubi::server
