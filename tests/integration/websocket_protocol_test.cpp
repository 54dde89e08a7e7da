// The WebSocket layer itself (RFC 6455), spoken byte by byte over real TLS: the upgrade, masking,
// fragments, control frames, the close handshake, limits, and writes coalesced into one record.
#include <optional>
#include <string>

#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/raw_websocket_client.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

TEST(WebSocketProtocol, UpgradeIsAnsweredWithTheAcceptKeyAndTheSubprotocol) {
  TestServer server;
  RawClient c(server);
  c.write(upgrade_request());
  const auto head = c.read_http_response();
  EXPECT_EQ(head.rfind("HTTP/1.1 101", 0), 0u) << head;
  EXPECT_NE(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
  EXPECT_NE(head.find("Sec-WebSocket-Protocol: musubi.v1"), std::string::npos);
  const auto welcome = c.next_frame();
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->opcode, 1);
  EXPECT_TRUE(welcome->fin);
  EXPECT_EQ(json::parse(welcome->payload)["event"], "welcome");
}

TEST(WebSocketProtocol, AnotherVersionOrAMalformedKeyIsRefused) {
  TestServer server;
  {
    RawClient c(server);
    c.write(upgrade_request("8"));
    const auto head = c.read_http_response();
    EXPECT_EQ(head.rfind("HTTP/1.1 426", 0), 0u) << head;
    EXPECT_NE(head.find("Sec-WebSocket-Version: 13"), std::string::npos);
  }
  {
    RawClient c(server);
    c.write(upgrade_request("13", "not-a-key"));
    const auto head = c.read_http_response();
    EXPECT_EQ(head.rfind("HTTP/1.1 400", 0), 0u) << head;
  }
}

TEST(WebSocketProtocol, FramesSentWithTheUpgradeRequestAreRead) {
  TestServer server;
  RawClient c(server);
  c.write(upgrade_request() + client_frame(1, request_text(7, "no.such_op")));
  ASSERT_NE(c.read_http_response().find("101"), std::string::npos);
  ASSERT_TRUE(c.next_frame());  // welcome
  const auto reply = c.next_frame();
  ASSERT_TRUE(reply);
  const auto body = json::parse(reply->payload);
  EXPECT_EQ(body["id"], 7);
  EXPECT_EQ(body["error"]["code"], "unknown_op");
}

TEST(WebSocketProtocol, FragmentsAreAssembledAndControlFramesMayComeBetween) {
  TestServer server;
  RawClient c(server);
  c.open();
  const auto text = request_text(8, "no.such_op");
  c.write(client_frame(1, text.substr(0, 5), false) + client_frame(9, "are you there?") +
          client_frame(0, text.substr(5, 6), false) + client_frame(0, text.substr(11)));
  const auto pong = c.next_frame();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->opcode, 10);
  EXPECT_EQ(pong->payload, "are you there?");
  const auto reply = c.next_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(reply->payload)["id"], 8);
}

TEST(WebSocketProtocol, RepliesQueuedInOneTurnShareOneTlsRecord) {
  TestServer server;
  RawClient c(server);
  c.open();
  std::string requests;
  for (int id = 1; id <= 5; ++id)
    requests += client_frame(1, request_text(id, "no.such_op"));
  c.write(requests);  // one TLS record: the server reads all five in one turn
  c.inbox() = c.read_one_record();
  for (int id = 1; id <= 5; ++id) {
    const auto reply = c.next_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(json::parse(reply->payload)["id"], id);
  }
  EXPECT_TRUE(c.inbox().empty());
}

// The session reads until a read comes back short, then waits for the socket: records that
// arrive together are all read, and a frame cut across records waits for its rest.
TEST(WebSocketProtocol, RecordsSentBackToBackAreAllRead) {
  TestServer server;
  RawClient c(server);
  c.open();
  for (int id = 1; id <= 5; ++id)
    c.write(client_frame(1, request_text(id, "no.such_op")));  // five records, no waiting
  for (int id = 1; id <= 5; ++id) {
    const auto reply = c.next_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(json::parse(reply->payload)["id"], id);
  }
}

TEST(WebSocketProtocol, AFrameCutAcrossRecordsIsReadWhenItsRestArrives) {
  TestServer server;
  RawClient c(server);
  c.open();
  const auto frame = client_frame(1, request_text(9, "no.such_op"));
  c.write(frame.substr(0, frame.size() / 2));
  EXPECT_FALSE(c.readable_within(std::chrono::milliseconds(200)));  // half a frame: no answer
  c.write(frame.substr(frame.size() / 2));
  const auto reply = c.next_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(reply->payload)["id"], 9);
}

TEST(WebSocketProtocol, UnmaskedFrameClosesWith1002) {
  TestServer server;
  RawClient c(server);
  c.open();
  c.write(client_frame(1, request_text(1, "no.such_op"), true, false));
  const auto close = c.next_frame();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1002);
  EXPECT_TRUE(c.wait_eof());
}

TEST(WebSocketProtocol, AnOversizedFrameIsRefusedFromItsHeader) {
  TestServer server([](server::ServerConfig& config) { config.limits.max_frame_bytes = 4096; });
  RawClient c(server);
  c.open();
  // Only the header of a 1 MiB frame: the server must not wait for the payload.
  c.write(client_frame(1, std::string(1 << 20, 'x')).substr(0, 14));
  const auto close = c.next_frame();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1009);
}

// A client that announced too large a frame goes on sending its payload. Closing with that unread
// would make the server's kernel reset the connection and throw away what it had not yet sent:
// here replies and the close frame, held back by a small receive window. The server half-closes
// and drains instead, so the close frame arrives.
TEST(WebSocketProtocol, TheCloseFrameSurvivesThePayloadOfARefusedFrame) {
  TestServer server([](server::ServerConfig& config) { config.limits.max_frame_bytes = 4096; });
  constexpr int kRepliesHeldBack = 60;
  RawClient c(server, {.source = "", .receive_buffer_bytes = 4096});
  c.open();
  // Replies the client does not read yet (more than its window), then the refused header.
  std::string requests;
  for (int id = 1; id <= kRepliesHeldBack; ++id)
    requests += client_frame(1, request_text(id, "no.such_op"));
  constexpr std::size_t kAnnounced = std::size_t{4} << 20;
  c.write(requests + client_frame_header(1, kAnnounced));
  const std::string chunk(16 * 1024, 'x');
  try {
    for (std::size_t sent = 0; sent < kAnnounced; sent += chunk.size())
      c.write(chunk);
  } catch (const boost::system::system_error&) {  // reset: the payload was not drained
  }
  int replies = 0;
  std::optional<RawFrame> frame;
  while ((frame = c.next_frame()) && frame->opcode == 1)
    ++replies;
  EXPECT_EQ(replies, kRepliesHeldBack);
  ASSERT_TRUE(frame) << "no close frame";
  EXPECT_EQ(frame->opcode, 8);
  EXPECT_EQ(frame->close_code(), 1009);
  EXPECT_TRUE(c.wait_eof());
}

TEST(WebSocketProtocol, TheClientsCloseIsAnsweredThenTheConnectionEnds) {
  TestServer server;
  RawClient c(server);
  c.open();
  c.write(client_frame(8, std::string("\x03\xe8", 2) + "bye"));
  const auto close = c.next_frame();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1000);
  EXPECT_TRUE(c.wait_eof());
}

TEST(WebSocketProtocol, AnUnansweredPingEndsAnIdleConnection) {
  TestServer server(
      [](server::ServerConfig& config) { config.timeouts.websocket_idle_seconds = 2; });
  RawClient c(server);
  c.open();
  const auto ping = c.next_frame();  // after a second of silence
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->opcode, 9);
  EXPECT_TRUE(c.wait_eof());  // not answered: closed a second later
}

}  // namespace
}  // namespace musubi::testing
