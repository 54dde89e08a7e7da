#include "server/data_directory.hpp"

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "server/password_hasher.hpp"
#include "server/self_signed_certificate.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/organizations.hpp"
#include "storage/users.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class DataDirectory : public ::testing::Test {
 protected:
  DataDirectory() {
    config_.data_dir = dir_.path() / "data";
    config_.storage.synchronous = "NORMAL";
  }

  musubi::testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(DataDirectory, PrepareCreatesItPrivate) {
  config_.data_dir = dir_.path() / "a" / "b";
  prepare_data_directory(config_);
  EXPECT_TRUE(fs::is_directory(config_.data_dir));
  EXPECT_EQ(mode_of(config_.data_dir), 0700u);
}

TEST_F(DataDirectory, PrepareLeavesAnExistingDirectoryAlone) {
  fs::create_directories(config_.data_dir);
  fs::permissions(config_.data_dir, fs::perms(0750), fs::perm_options::replace);
  prepare_data_directory(config_);
  EXPECT_EQ(mode_of(config_.data_dir), 0750u);
}

TEST_F(DataDirectory, PrepareRefusesAFileInTheWay) {
  std::ofstream(config_.data_dir) << "not a directory";
  EXPECT_THROW(prepare_data_directory(config_), std::runtime_error);
}

TEST_F(DataDirectory, ConfiguredCertificateFilesAreUsedAsTheyAre) {
  config_.cert_file = "/etc/musubi/cert.pem";
  config_.key_file = "/etc/musubi/key.pem";
  const auto files = ensure_tls_files(config_);
  EXPECT_EQ(files.cert, "/etc/musubi/cert.pem");
  EXPECT_EQ(files.key, "/etc/musubi/key.pem");
  EXPECT_FALSE(files.generated);
  EXPECT_FALSE(fs::exists(config_.data_dir / "tls"));
}

TEST_F(DataDirectory, CertWithoutKeyIsRefused) {
  config_.cert_file = "/etc/musubi/cert.pem";
  try {
    ensure_tls_files(config_);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "--cert and --key go together");
  }
  config_.cert_file.clear();
  config_.key_file = "/etc/musubi/key.pem";
  EXPECT_THROW(ensure_tls_files(config_), std::runtime_error);
}

TEST_F(DataDirectory, GeneratesACertificateOnFirstStartOnly) {
  prepare_data_directory(config_);
  const auto first = ensure_tls_files(config_);
  EXPECT_TRUE(first.generated);
  EXPECT_EQ(first.cert, config_.data_dir / "tls" / "cert.pem");
  EXPECT_EQ(first.key, config_.data_dir / "tls" / "key.pem");
  EXPECT_EQ(mode_of(first.key), 0600u);
  const auto fingerprint = certificate_fingerprint(first.cert);

  const auto second = ensure_tls_files(config_);
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(second.cert, first.cert);
  EXPECT_EQ(certificate_fingerprint(second.cert), fingerprint);
}

// The generated certificate's names, checked with OpenSSL's own matching.
struct CertificateNames {
  explicit CertificateNames(const fs::path& file) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "r"), std::fclose);
    if (f) cert.reset(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  }
  bool host(const char* name) const {
    return X509_check_host(cert.get(), name, 0, 0, nullptr) == 1;
  }
  bool ip(const char* address) const { return X509_check_ip_asc(cert.get(), address, 0) == 1; }

  std::unique_ptr<X509, void (*)(X509*)> cert{nullptr, X509_free};
};

TEST_F(DataDirectory, CertificateCoversLoopbackAndTheListenHost) {
  config_.listen = "musubi.example.jp:8443";
  prepare_data_directory(config_);
  const CertificateNames names(ensure_tls_files(config_).cert);
  ASSERT_NE(names.cert, nullptr);
  EXPECT_TRUE(names.host("musubi.example.jp"));
  EXPECT_TRUE(names.host("localhost"));
  EXPECT_TRUE(names.ip("127.0.0.1"));
  EXPECT_TRUE(names.ip("::1"));
  EXPECT_FALSE(names.host("other.example.jp"));
}

TEST_F(DataDirectory, CertificateCoversAnIpListenAddress) {
  config_.listen = "[fd00::5]:8443";
  prepare_data_directory(config_);
  const CertificateNames names(ensure_tls_files(config_).cert);
  ASSERT_NE(names.cert, nullptr);
  EXPECT_TRUE(names.ip("fd00::5"));
  EXPECT_TRUE(names.ip("127.0.0.1"));
}

TEST_F(DataDirectory, WildcardListenAddressIsNotAName) {
  config_.listen = "0.0.0.0:8443";
  prepare_data_directory(config_);
  const CertificateNames names(ensure_tls_files(config_).cert);
  ASSERT_NE(names.cert, nullptr);
  EXPECT_FALSE(names.ip("0.0.0.0"));
  EXPECT_TRUE(names.host("localhost"));
}

TEST_F(DataDirectory, RegeneratesWhenTheKeyIsMissing) {
  prepare_data_directory(config_);
  const auto first = ensure_tls_files(config_);
  const auto fingerprint = certificate_fingerprint(first.cert);
  fs::remove(first.key);
  const auto second = ensure_tls_files(config_);
  EXPECT_TRUE(second.generated);
  EXPECT_NE(certificate_fingerprint(second.cert), fingerprint);
}

TEST_F(DataDirectory, BootstrapCreatesTheAdministratorOnce) {
  prepare_data_directory(config_);
  const PasswordHasher hasher(1, 1024);
  const auto password = bootstrap_administrator(config_, hasher);
  ASSERT_TRUE(password.has_value());
  EXPECT_EQ(password->size(), 23u);

  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  const auto admin = storage::find_user_by_login(db, "admin");
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->name, "管理者 (Administrator)");
  EXPECT_EQ(admin->role, "city_admin");
  EXPECT_EQ(admin->profession, "city_staff");
  // The administrator belongs to the city's own office, registered on the way.
  EXPECT_EQ(admin->org_code, "city-office");
  EXPECT_EQ(admin->org_type, "municipal_office");
  EXPECT_EQ(admin->org_name, config_.municipality + "役所");
  EXPECT_FALSE(admin->disabled);
  EXPECT_TRUE(hasher.verify(admin->password_hash, *password));

  EXPECT_EQ(bootstrap_administrator(config_, hasher), std::nullopt);
  EXPECT_EQ(storage::count_users(db), 1);
  EXPECT_TRUE(hasher.verify(storage::find_user_by_login(db, "admin")->password_hash, *password));
}

TEST_F(DataDirectory, NoBootstrapWhenUsersExist) {
  prepare_data_directory(config_);
  {
    storage::Database db(config_.database_path(), storage::OpenMode::read_write);
    storage::migrate(db);
    storage::Organization org;
    org.code = "vn";
    org.name = "訪問看護";
    org.type = "visiting_nursing";
    const auto org_id = storage::insert_organization(db, org).value();
    storage::insert_user(db, storage::NewUser{"tanaka", "田中", "h", org_id, "nurse", "member"}, 1);
  }
  EXPECT_EQ(bootstrap_administrator(config_, PasswordHasher(1, 1024)), std::nullopt);
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  EXPECT_EQ(storage::find_user_by_login(db, "admin"), std::nullopt);
  EXPECT_EQ(storage::count_users(db), 1);
}

}  // namespace
}  // namespace musubi::server
