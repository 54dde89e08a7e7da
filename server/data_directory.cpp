#include "server/data_directory.hpp"

#include <system_error>

#include "server/clock.hpp"
#include "server/domain/vocabulary.hpp"
#include "server/password_hasher.hpp"
#include "server/random_secrets.hpp"
#include "server/self_signed_certificate.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/organizations.hpp"
#include "storage/users.hpp"

namespace musubi::server {

namespace fs = std::filesystem;

void prepare_data_directory(const ServerConfig& config) {
  std::error_code ec;
  if (fs::create_directories(config.data_dir, ec)) {
    fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (!fs::is_directory(config.data_dir)) {
    throw std::runtime_error("cannot create data directory " + config.data_dir.string());
  }
}

TlsFiles ensure_tls_files(const ServerConfig& config) {
  if (!config.cert_file.empty() || !config.key_file.empty()) {
    if (config.cert_file.empty() || config.key_file.empty()) {
      throw std::runtime_error("--cert and --key go together");
    }
    return TlsFiles{config.cert_file, config.key_file, false};
  }
  const fs::path dir = config.data_dir / "tls";
  TlsFiles files{dir / "cert.pem", dir / "key.pem", false};
  if (fs::exists(files.cert) && fs::exists(files.key)) return files;
  fs::create_directories(dir);
  std::vector<std::string> names = {"localhost", "127.0.0.1", "::1"};
  const auto host = parse_listen_address(config.listen).host;
  if (!host.empty() && host != "0.0.0.0" && host != "::" &&
      std::find(names.begin(), names.end(), host) == names.end()) {
    names.insert(names.begin(), host);
  }
  write_self_signed_certificate(files.cert, files.key, names);
  files.generated = true;
  return files;
}

std::unique_ptr<storage::Database> open_admin_database(const ServerConfig& config) {
  prepare_data_directory(config);
  auto db = std::make_unique<storage::Database>(
      config.database_path(), storage::OpenMode::read_write, config.storage.synchronous);
  storage::migrate(*db);
  return db;
}

std::optional<std::string> bootstrap_administrator(const ServerConfig& config,
                                                   const PasswordHasher& hasher) {
  storage::Database db(config.database_path(), storage::OpenMode::read_write,
                       config.storage.synchronous);
  storage::migrate(db);
  storage::Transaction tx(db, storage::Transaction::Kind::immediate);
  if (storage::count_users(db) > 0) return std::nullopt;
  const auto now = now_ms();
  storage::Organization office;
  office.code = "city-office";
  office.name = config.municipality + "役所";
  office.type = std::string(domain::to_string(domain::OrgType::municipal_office));
  office.municipality = config.municipality;
  office.association_area = config.municipality;
  office.registered_on = local_date(now);
  office.created_ms = now;
  const auto existing = storage::find_organization(db, office.code);
  const auto org_id = existing ? existing->id : *storage::insert_organization(db, office);
  std::string password = new_bootstrap_password();
  storage::insert_user(
      db,
      storage::NewUser{"admin", "管理者 (Administrator)", hasher.hash(password), org_id,
                       std::string(domain::to_string(domain::Profession::city_staff)),
                       std::string(domain::to_string(domain::Role::city_admin))},
      now);
  tx.commit();
  return password;
}

}  // namespace musubi::server
