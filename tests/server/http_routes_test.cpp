#include "server/http_routes.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "musubi_version.hpp"

namespace musubi::server {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

HttpRequest get(const std::string& target) {
  HttpRequest req{http::verb::get, target, 11};
  req.set(http::field::host, "localhost:8443");
  return req;
}

// A well-formed WebSocket upgrade request for /ws.
HttpRequest upgrade(const std::string& subprotocols = "musubi.v1") {
  auto req = get("/ws");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::sec_websocket_version, "13");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  if (!subprotocols.empty()) req.set(http::field::sec_websocket_protocol, subprotocols);
  return req;
}

const std::vector<std::string> kAllowed = {"https://musubi.example.jp"};

void expect_security_headers(const HttpResponse& res) {
  EXPECT_EQ(res[http::field::server], std::string("musubid/") + kVersion);
  EXPECT_EQ(res[http::field::content_type], "application/json; charset=utf-8");
  EXPECT_EQ(res[http::field::cache_control], "no-store");
  EXPECT_EQ(res[http::field::strict_transport_security], "max-age=31536000");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(res["X-Frame-Options"], "DENY");
  EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(res["Content-Security-Policy"], "default-src 'none'; frame-ancestors 'none'");
}

// --- route -----------------------------------------------------------------------------------

TEST(Route, ByPath) {
  EXPECT_EQ(route(get("/healthz")), Route::health);
  EXPECT_EQ(route(get("/ws")), Route::websocket);
  EXPECT_EQ(route(get("/")), Route::not_found);
  EXPECT_EQ(route(get("/metrics.txt")), Route::not_found);
}

TEST(Route, QueryStringIsIgnored) {
  EXPECT_EQ(route(get("/healthz?verbose=1")), Route::health);
  EXPECT_EQ(route(get("/ws?")), Route::websocket);
}

TEST(Route, PathMustMatchExactly) {
  EXPECT_EQ(route(get("/ws/")), Route::not_found);
  EXPECT_EQ(route(get("/WS")), Route::not_found);
  EXPECT_EQ(route(get("/healthz/extra")), Route::not_found);
  EXPECT_EQ(route(get("/wss")), Route::not_found);
  EXPECT_EQ(route(get("")), Route::not_found);
}

TEST(Route, MethodDoesNotMatter) {
  auto req = get("/healthz");
  req.method(http::verb::post);
  EXPECT_EQ(route(req), Route::health);
}

// --- refuse_upgrade --------------------------------------------------------------------------

TEST(RefuseUpgrade, PlainGetIsTold426) {
  const auto res = refuse_upgrade(get("/ws"), kAllowed);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::upgrade_required);
  EXPECT_EQ((*res)[http::field::upgrade], "websocket");
  EXPECT_EQ(res->body(),
            R"({"error":{"code":"upgrade_required","message":"/ws speaks WebSocket only: )"
            R"(upgrade with subprotocol musubi.v1"}})");
  expect_security_headers(*res);
}

TEST(RefuseUpgrade, UpgradeToSomethingElseIsTold426) {
  auto req = upgrade();
  req.set(http::field::upgrade, "h2c");
  const auto res = refuse_upgrade(req, kAllowed);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::upgrade_required);
}

TEST(RefuseUpgrade, MissingSubprotocolIs400) {
  const auto res = refuse_upgrade(upgrade(""), kAllowed);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::bad_request);
  EXPECT_EQ(res->body(),
            R"j({"error":{"code":"subprotocol_required","message":"musubi requires the )j"
            R"j(WebSocket subprotocol musubi.v1 (Sec-WebSocket-Protocol: musubi.v1)"}})j");
  expect_security_headers(*res);
}

TEST(RefuseUpgrade, OtherSubprotocolIs400) {
  for (const char* offered :
       {"chat", "musubi.v2", "musubi.v10", "musubi", "musubi.v1x, chat", "MUSUBI.V1"}) {
    const auto res = refuse_upgrade(upgrade(offered), kAllowed);
    ASSERT_TRUE(res.has_value()) << offered;
    EXPECT_EQ(res->result(), http::status::bad_request) << offered;
    EXPECT_EQ(json::parse(res->body())["error"]["code"], "subprotocol_required") << offered;
  }
}

TEST(RefuseUpgrade, SubprotocolAmongACommaListIsAccepted) {
  for (const char* offered : {"musubi.v1", "chat, musubi.v1", "musubi.v1,chat",
                              "chat,  musubi.v1  , superchat", "\tmusubi.v1\t"}) {
    EXPECT_EQ(refuse_upgrade(upgrade(offered), kAllowed), std::nullopt) << offered;
  }
}

TEST(RefuseUpgrade, AbsentOriginIsAccepted) {
  // Native clients send no Origin; even an empty allow-list lets them in.
  EXPECT_EQ(refuse_upgrade(upgrade(), kAllowed), std::nullopt);
  EXPECT_EQ(refuse_upgrade(upgrade(), {}), std::nullopt);
}

TEST(RefuseUpgrade, AllowedOriginIsAccepted) {
  auto req = upgrade();
  req.set(http::field::origin, "https://musubi.example.jp");
  EXPECT_EQ(refuse_upgrade(req, kAllowed), std::nullopt);
  EXPECT_EQ(refuse_upgrade(req, {"https://other.example", "https://musubi.example.jp"}),
            std::nullopt);
}

TEST(RefuseUpgrade, OtherOriginIs403) {
  for (const char* origin : {"https://evil.example", "https://musubi.example.jp:444",
                             "http://musubi.example.jp", "null"}) {
    auto req = upgrade();
    req.set(http::field::origin, origin);
    const auto res = refuse_upgrade(req, kAllowed);
    ASSERT_TRUE(res.has_value()) << origin;
    EXPECT_EQ(res->result(), http::status::forbidden) << origin;
    EXPECT_EQ(res->body(),
              R"({"error":{"code":"origin_not_allowed","message":"this origin may not open a )"
              R"(musubi connection"}})");
    expect_security_headers(*res);
  }
}

TEST(RefuseUpgrade, AnyOriginIsRefusedByAnEmptyAllowList) {
  auto req = upgrade();
  req.set(http::field::origin, "https://localhost:8443");
  const auto res = refuse_upgrade(req, {});
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::forbidden);
}

TEST(RefuseUpgrade, SubprotocolIsCheckedBeforeOrigin) {
  auto req = upgrade("chat");
  req.set(http::field::origin, "https://evil.example");
  const auto res = refuse_upgrade(req, kAllowed);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::bad_request);
}

// --- json_response / error_response ---------------------------------------------------------

TEST(JsonResponse, CarriesBodyStatusAndSecurityHeaders) {
  const auto res = json_response(get("/healthz"), http::status::ok, R"({"status":"ok"})");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.version(), 11u);
  EXPECT_EQ(res.body(), R"({"status":"ok"})");
  EXPECT_EQ(res[http::field::content_length], "15");
  expect_security_headers(res);
}

TEST(JsonResponse, FollowsTheRequestsKeepAlive) {
  auto req = get("/healthz");
  req.keep_alive(true);
  EXPECT_TRUE(json_response(req, http::status::ok, "{}").keep_alive());
  req.keep_alive(false);
  EXPECT_FALSE(json_response(req, http::status::ok, "{}").keep_alive());
}

TEST(JsonResponse, Http10RequestGetsAnHttp10Response) {
  HttpRequest req{http::verb::get, "/healthz", 10};
  const auto res = json_response(req, http::status::ok, "{}");
  EXPECT_EQ(res.version(), 10u);
  EXPECT_FALSE(res.keep_alive());
}

TEST(ErrorResponse, ExactBody) {
  const auto res =
      error_response(get("/nope"), http::status::not_found, "not_found", "no such path");
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_EQ(res.body(), R"({"error":{"code":"not_found","message":"no such path"}})");
  EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
  expect_security_headers(res);
}

TEST(ErrorResponse, MessageIsEscaped) {
  const auto res = error_response(get("/"), http::status::bad_request, "x", "say \"hi\"\n");
  EXPECT_EQ(res.body(), R"({"error":{"code":"x","message":"say \"hi\"\n"}})");
}

}  // namespace
}  // namespace musubi::server
