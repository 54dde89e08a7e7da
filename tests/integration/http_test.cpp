// The HTTP side of the port: /healthz, the /ws upgrade rules, 404, and certificate checks by
// clients (the server's TLS policy: tls_policy_test.cpp; its headers: security_headers_test.cpp).
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace http = boost::beast::http;

struct HttpResult {
  int status = 0;
  std::string body;
  http::fields headers;
};

// One HTTPS request over a verified TLS connection (synchronous: the server answers at once).
HttpResult https_get(const TestServer& server, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file((server.data_dir() / "tls" / "cert.pem").string());
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<net::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers)
    req.set(name, value);
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return HttpResult{int(res.result_int()), res.body(), res.base()};
}

TEST(Http, HealthzReportsVersionAndDatabase) {
  TestServer server;
  const auto res = https_get(server, "/healthz");
  EXPECT_EQ(res.status, 200);
  const auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["database"], "ok");
  EXPECT_TRUE(body["version"].is_string());
  EXPECT_EQ(res.headers["Strict-Transport-Security"], "max-age=31536000");
  EXPECT_EQ(res.headers["X-Content-Type-Options"], "nosniff");
}

TEST(Http, OtherPathsAre404) {
  TestServer server;
  const auto res = https_get(server, "/admin");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"]["code"], "not_found");
}

TEST(Http, PlainGetOnWsAsksForAnUpgrade) {
  TestServer server;
  EXPECT_EQ(https_get(server, "/ws").status, 426);
}

TEST(Http, UpgradeWithoutTheSubprotocolIsRefusedWithAClearMessage) {
  TestServer server;
  auto options = server.connect_options();
  options.subprotocol = "";
  try {
    client::ClientConnection::connect(options);
    FAIL() << "upgrade accepted";
  } catch (const client::ClientError& e) {
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_EQ(nlohmann::json::parse(e.http_body())["error"]["code"], "subprotocol_required");
    EXPECT_NE(e.http_body().find("musubi.v1"), std::string::npos);
  }
  options.subprotocol = "chat, musubi.v1";
  EXPECT_NO_THROW(client::ClientConnection::connect(options));
}

TEST(Http, BrowserOriginsAreCheckedAgainstTheAllowList) {
  TestServer server;
  auto options = server.connect_options();
  options.origin = "https://evil.example";
  try {
    client::ClientConnection::connect(options);
    FAIL() << "foreign origin accepted";
  } catch (const client::ClientError& e) {
    EXPECT_EQ(e.http_status(), 403);
  }
  // The server's own origin is allowed by default.
  options.origin = "https://localhost:" + std::to_string(server.port());
  EXPECT_NO_THROW(client::ClientConnection::connect(options));
}

TEST(Http, ConfiguredOriginsReplaceTheDefault) {
  TestServer server(
      [](server::ServerConfig& c) { c.security.allowed_origins = {"https://care.example.jp"}; });
  auto options = server.connect_options();
  options.origin = "https://care.example.jp";
  EXPECT_NO_THROW(client::ClientConnection::connect(options));
  options.origin = "https://localhost:" + std::to_string(server.port());
  EXPECT_THROW(client::ClientConnection::connect(options), client::ClientError);
}

TEST(Tls, ClientsVerifyTheCertificate) {
  TestServer server;
  auto options = server.connect_options();
  options.tls.ca_file = "";  // the system store does not know the self-signed certificate
  EXPECT_THROW(client::ClientConnection::connect(options), client::ClientError);
}

}  // namespace
}  // namespace musubi::testing

namespace musubi::testing {
namespace {

TEST(Http, ReadyzChecksThatTheDatabaseTakesWrites) {
  TestServer server;
  const auto res = https_get(server, "/readyz");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(nlohmann::json::parse(res.body)["database"], "ok");
}

TEST(Http, MetricsCountConnectionsAndCommits) {
  TestServer server;
  server.add_user("sato");
  auto c = server.sign_in("sato");
  create_room(server, *c, "room");
  const auto res = https_get(server, "/metrics");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers["Content-Type"], "text/plain; version=0.0.4");
  EXPECT_NE(res.body.find("musubi_signed_in_connections 1\n"), std::string::npos) << res.body;
  // The WebSocket and this HTTP request.
  EXPECT_NE(res.body.find("musubi_open_connections 2\n"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("musubi_storage_commits_total "), std::string::npos);
  EXPECT_EQ(res.body.find("sato"), std::string::npos);  // counts only
}

TEST(Http, MetricsTimeTheRequestsAnsweredThroughStorage) {
  TestServer server;
  server.add_user("sato");
  auto c = server.sign_in("sato");
  const auto room = create_room(server, *c, "room");
  for (int i = 0; i < 3; ++i)
    ok(c->request("room.history", {{"room", room}}));
  expect_error(c->request("room.history", {{"room", "r_nonexistent"}}), "not_found");
  const auto body = https_get(server, "/metrics").body;
  // Every reply is counted, refusals too; none of them as slow as 2.5 s.
  EXPECT_NE(body.find("musubi_request_duration_seconds_count{op=\"room.history\"} 4\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("musubi_request_duration_seconds_bucket{op=\"room.history\",le=\"2.5\"} 4\n"),
            std::string::npos)
      << body;
}

TEST(Http, OnlyGetIsAllowedOnTheProbes) {
  TestServer server;
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  ssl::stream<net::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::post, "/healthz", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  EXPECT_EQ(res.result_int(), 405u);
  EXPECT_EQ(res[http::field::allow], "GET");
}

}  // namespace
}  // namespace musubi::testing
