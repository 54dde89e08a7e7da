#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace musubi::server {

// Writes a new self-signed certificate (ECDSA P-256, valid 825 days) and its private key (mode
// 0600) for the given names: DNS names and IP addresses both go into subjectAltName.
// Throws std::runtime_error.
void write_self_signed_certificate(const std::filesystem::path& cert_file,
                                   const std::filesystem::path& key_file,
                                   const std::vector<std::string>& names);

// SHA-256 fingerprint of the certificate in a PEM file, as "AB:CD:...". Throws.
std::string certificate_fingerprint(const std::filesystem::path& cert_file);

}  // namespace musubi::server
