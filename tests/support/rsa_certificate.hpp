#pragma once

#include <filesystem>

namespace musubi::testing {

// Writes a self-signed RSA-2048 certificate for "localhost" and its key (PEM) to
// dir/rsa-cert.pem and dir/rsa-key.pem. The server generates ECDSA certificates; an RSA one is
// what makes the static-RSA and ECDHE-RSA suites possible at all, so that refusing them is the
// server's policy at work rather than a key that cannot do them. Throws std::runtime_error.
struct CertificateFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
};
CertificateFiles write_rsa_certificate(const std::filesystem::path& dir);

}  // namespace musubi::testing
