// The security headers on every HTTP response the server sends, read over real TLS: the probes,
// errors and refusals of every route, the WebSocket upgrade's refusals and its 101, and an
// attachment's upload and download.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients/client/https_request.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Written out here rather than taken from the server, so that a change to them shows up as a
// failing test (docs/security/robustness-fuzz-tls.md says why each is what it is).
const Headers kExpected = {
    {"Strict-Transport-Security", "max-age=31536000"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
    {"Cache-Control", "no-store"},
};

void expect_security_headers(const client::HttpsResponse& res) {
  for (const auto& [name, value] : kExpected)
    EXPECT_EQ(res.header(name), value) << name << " on a " << res.status;
}

client::HttpsResponse send(const TestServer& server, const std::string& method,
                           const std::string& target, const Headers& headers = {},
                           const std::string& body = "") {
  client::HttpsRequest r;
  r.method = method;
  r.target = target;
  r.headers = headers;
  r.body = body;
  return client::https_request(server.connect_options(), r);
}

const Headers kUpgrade = {{"Connection", "Upgrade"},
                          {"Upgrade", "websocket"},
                          {"Sec-WebSocket-Version", "13"},
                          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                          {"Sec-WebSocket-Protocol", "musubi.v1"}};

// kUpgrade with one header replaced (or removed, when `value` is empty).
Headers upgrade_with(const std::string& name, const std::string& value) {
  Headers headers;
  for (const auto& header : kUpgrade) {
    if (header.first != name) headers.push_back(header);
  }
  if (!value.empty()) headers.emplace_back(name, value);
  return headers;
}

TEST(SecurityHeaders, OnTheProbesAndEveryRefusal) {
  TestServer server;
  struct Case {
    std::string what;
    client::HttpsResponse response;
    int status;
  };
  const std::vector<Case> cases = {
      {"healthz", send(server, "GET", "/healthz"), 200},
      {"readyz", send(server, "GET", "/readyz"), 200},
      {"metrics", send(server, "GET", "/metrics"), 200},
      {"unknown path", send(server, "GET", "/admin"), 404},
      {"POST to a probe", send(server, "POST", "/healthz"), 405},
      {"a body where none is taken", send(server, "POST", "/healthz", {}, std::string(9000, 'x')),
       413},
      {"download without a token", send(server, "GET", "/attachments/att_x"), 401},
      {"upload without a token", send(server, "POST", "/attachments?room=r", {}, "%PDF-1.7"), 401},
      {"GET /ws without an upgrade", send(server, "GET", "/ws"), 426},
      {"another WebSocket version",
       send(server, "GET", "/ws", upgrade_with("Sec-WebSocket-Version", "8")), 426},
      {"a malformed key", send(server, "GET", "/ws", upgrade_with("Sec-WebSocket-Key", "abc=")),
       400},
      {"no subprotocol", send(server, "GET", "/ws", upgrade_with("Sec-WebSocket-Protocol", "")),
       400},
      {"a foreign origin",
       send(server, "GET", "/ws", upgrade_with("Origin", "https://evil.example")), 403},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(c.response.status, c.status) << c.response.body;
    expect_security_headers(c.response);
  }
}

TEST(SecurityHeaders, OnTheUpgradeToWebSocket) {
  TestServer server;
  const auto res = send(server, "GET", "/ws", kUpgrade);
  EXPECT_EQ(res.status, 101);
  EXPECT_EQ(res.header("Sec-WebSocket-Protocol"), "musubi.v1");
  expect_security_headers(res);
}

TEST(SecurityHeaders, OnAnAttachmentUploadedAndDownloaded) {
  TestServer server;
  server.add_user("vn", "田中 看護師");
  auto c = server.connect();
  const auto signed_in = ok(c->request(
      "session.sign_in", {{"login", "vn"}, {"password", kPassword}, {"device", "test"}}));
  const auto token = signed_in["token"].get<std::string>();
  const auto room = create_room(server, *c, "佐藤 一郎");

  const auto uploaded = send(server, "POST", "/attachments?room=" + room + "&name=a.pdf",
                             {client::bearer(token)}, "%PDF-1.7\n%%EOF\n");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  expect_security_headers(uploaded);
  const auto id = nlohmann::json::parse(uploaded.body)["attachment"]["id"].get<std::string>();

  const auto downloaded = send(server, "GET", "/attachments/" + id, {client::bearer(token)});
  ASSERT_EQ(downloaded.status, 200);
  EXPECT_EQ(downloaded.body, "%PDF-1.7\n%%EOF\n");
  expect_security_headers(downloaded);
}

}  // namespace
}  // namespace musubi::testing
