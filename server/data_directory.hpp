#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "server/config.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

class PasswordHasher;

// Creates the data directory (mode 0700) if needed.
void prepare_data_directory(const ServerConfig& config);

// The database for an administration command: created and migrated when needed, safe to use
// while the server runs.
std::unique_ptr<storage::Database> open_admin_database(const ServerConfig& config);

struct TlsFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
  bool generated = false;
};

// The configured certificate and key, or <data>/tls/{cert,key}.pem, generated on first start
// for localhost, the loopback addresses and the listen host.
TlsFiles ensure_tls_files(const ServerConfig& config);

// On a database without users, creates the city's own office as an organization and in it the
// city administrator "admin" with a random password, and returns that password (to be shown
// once). Applies migrations.
std::optional<std::string> bootstrap_administrator(const ServerConfig& config,
                                                   const PasswordHasher& hasher);

}  // namespace musubi::server
