#include <string>

#include <gtest/gtest.h>

#include "server/websocket/handshake.hpp"

namespace musubi::server::websocket {
namespace {

// RFC 6455 §1.3's example key and answer.
constexpr const char* kKey = "dGhlIHNhbXBsZSBub25jZQ==";

TEST(WebSocketHandshake, AcceptKeyIsTheRfcExample) {
  EXPECT_EQ(accept_key(kKey), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketHandshake, ClientKeyIsSixteenBytesInBase64) {
  EXPECT_TRUE(valid_client_key(kKey));
  EXPECT_FALSE(valid_client_key("abc="));
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ="));
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZ\r\n=="));
}

TEST(WebSocketHandshake, UpgradeResponseCarriesTheSecurityHeaders) {
  const auto response = upgrade_response(kKey, "musubi.v1", "musubid/test");
  EXPECT_EQ(response,
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Protocol: musubi.v1\r\n"
            "Server: musubid/test\r\n"
            "Strict-Transport-Security: max-age=31536000\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            "X-Frame-Options: DENY\r\n"
            "Referrer-Policy: no-referrer\r\n"
            "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
            "Cache-Control: no-store\r\n"
            "\r\n");
}

}  // namespace
}  // namespace musubi::server::websocket
