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
  if (tweak) tweak(config_);
  start();
}

TestServer::~TestServer() {
  stop();
}

void TestServer::start() {
  server_ = std::make_unique<server::Server>(config_);
  if (server_->bootstrap_password()) admin_password_ = *server_->bootstrap_password();
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

void TestServer::add_user(const std::string& login, const std::string& name, bool admin,
                          const std::string& password) const {
  std::istringstream in(password + "\n");
  std::ostringstream out, err;
  const int rc = server::user_add(config_, login, name.empty() ? login : name, admin, in, out, err);
  ASSERT_EQ(rc, 0) << err.str();
}

}  // namespace musubi::testing
