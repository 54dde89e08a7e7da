#include "tests/support/test_server.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "server/admin_commands.hpp"

namespace musubi::testing {

TestServer::TestServer(const Tweak& tweak) {
  config_.listen = "127.0.0.1:0";
  config_.data_dir = dir_.path() / "var";
  config_.threads = 2;
  config_.security.argon2_ops = 1;
  config_.security.argon2_memory_kib = 1024;
  config_.timeouts.revocation_poll_ms = 50;
  config_.timeouts.close_seconds = 1;
  config_.timeouts.shutdown_seconds = 5;
  // The two-factor policy is left to the tests about it (two_factor_test.cpp): every other test
  // signs the administrator in with a password only.
  config_.security.two_factor_roles.clear();
  if (tweak) tweak(config_);
  start();
}

TestServer::~TestServer() {
  stop();
}

void TestServer::start() {
  server_ = std::make_unique<server::Server>(config_);
  if (server_->bootstrap_password()) {
    admin_password_ = *server_->bootstrap_password();
    const std::string city = config_.municipality;
    add_org({kVisitingNursing, "テスト訪問看護ステーション", "visiting_nursing", "柏市柏1-1", city,
             "千葉県訪問看護ステーション協議会", city, ""});
    add_org({kClinic, "テスト診療所", "clinic", "柏市柏2-2", city, "柏市医師会", city, ""});
    add_org({kHospital, "テスト病院", "hospital", "柏市柏3-3", city, "柏市医師会", city, ""});
    add_org({kPharmacy, "テスト薬局", "pharmacy", "柏市柏4-4", city, "柏市薬剤師会", city, ""});
    add_user("test.dr", "試験 医師", "physician", kClinic);
  }
  server_->start();
}

void TestServer::stop() {
  if (!server_) return;
  server_->stop();
  server_->wait();
  server_.reset();
}

client::ConnectOptions TestServer::connect_options() const {
  client::ConnectOptions options;
  options.url.host = "127.0.0.1";
  options.url.port = std::to_string(port());
  options.tls.ca_file = (config_.data_dir / "tls" / "cert.pem").string();
  options.timeout = kWait;
  return options;
}

std::unique_ptr<client::ClientConnection> TestServer::connect() const {
  return client::ClientConnection::connect(connect_options());
}

std::unique_ptr<client::ClientConnection> TestServer::sign_in(const std::string& login,
                                                              const std::string& password) const {
  auto connection = connect();
  const auto reply = connection->request(
      "session.sign_in", {{"login", login}, {"password", password}, {"device", "test"}});
  EXPECT_TRUE(reply.ok) << login << ": " << reply.error_code << " " << reply.error_message;
  return connection;
}

void TestServer::add_user(const std::string& login, const std::string& name,
                          const std::string& profession, const std::string& org,
                          const std::string& role, const std::string& password) const {
  std::istringstream in(password + "\n");
  std::ostringstream out, err;
  const int rc = server::user_add(
      config_, {login, name.empty() ? login : name, org, profession, role}, in, out, err);
  ASSERT_EQ(rc, 0) << err.str();
}

void TestServer::add_org(const server::OrgSpec& org) const {
  std::ostringstream out, err;
  ASSERT_EQ(server::org_add(config_, org, out, err), 0) << err.str();
}

std::string TestServer::open_room(client::ClientConnection& c, const std::string& patient) const {
  auto ok = [](const protocol::ServerFrame& f) {
    EXPECT_TRUE(f.ok) << f.error_code << ": " << f.error_message;
    return f.result;
  };
  const auto p = ok(c.request("patient.register", {{"name", patient},
                                                   {"kana", "テスト"},
                                                   {"birth_date", "1940-04-01"},
                                                   {"sex", "female"},
                                                   {"municipality", config_.municipality},
                                                   {"address", "柏市柏5-5"}}))["patient"];
  ok(c.request("patient.record_consent",
               {{"patient", p}, {"date", "2026-11-01"}, {"obtained_by", "テスト 看護師"}}));
  const auto request =
      ok(c.request("request.file", {{"patient", p}, {"physician", "test.dr"}}))["request"]
          .get<std::string>();
  auto dr = sign_in("test.dr");
  ok(dr->request("request.act", {{"request", request}, {"action", "decline"}}));
  const auto opened =
      ok(c.request("request.act", {{"request", request}, {"action", "proceed_without_physician"}}));
  EXPECT_EQ(opened["state"], "open");
  return opened["room"].is_string() ? opened["room"].get<std::string>() : std::string();
}

}  // namespace musubi::testing
