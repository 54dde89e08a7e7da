// The WebSocket layer itself (RFC 6455), spoken byte by byte over real TLS: the upgrade, masking,
// fragments, control frames, the close handshake, limits, and writes coalesced into one record.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using nlohmann::json;

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455's own example

std::string upgrade_request(std::string_view version = "13", std::string_view key = kKey) {
  std::string r =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Protocol: musubi.v1\r\n";
  r += "Sec-WebSocket-Version: " + std::string(version) + "\r\n";
  r += "Sec-WebSocket-Key: " + std::string(key) + "\r\n\r\n";
  return r;
}

// A client frame: FIN and opcode as given, masked unless told otherwise.
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                         bool masked = true) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | opcode);
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    f += static_cast<char>(mask_bit | payload.size());
  } else if (payload.size() < 65536) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      f += static_cast<char>(payload.size() >> shift);
  }
  const std::array<char, 4> mask{'\x12', '\x34', '\x56', '\x78'};
  if (masked) f.append(mask.data(), mask.size());
  for (std::size_t i = 0; i < payload.size(); ++i) {
    f += masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i];
  }
  return f;
}

std::string request_text(int id, std::string_view op) {
  return json{{"id", id}, {"op", op}, {"body", json::object()}}.dump();
}

struct ServerFrame {
  std::uint8_t opcode = 0;
  bool fin = false;
  std::string payload;
  std::uint16_t close_code() const {
    return payload.size() < 2
               ? 0
               : static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1]));
  }
};

// A WebSocket client made of bytes: everything it sends is written by the test, everything the
// server sends is parsed here. Reads wait with a deadline.
class RawClient {
 public:
  explicit RawClient(const TestServer& server)
      : ctx_(ssl::context::tls_client), stream_(ioc_, ctx_) {
    ctx_.set_verify_mode(ssl::verify_none);
    stream_.next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
    stream_.handshake(ssl::stream_base::client);
  }

  void write(const std::string& bytes) { net::write(stream_, net::buffer(bytes)); }

  // The HTTP response to the upgrade (status line and headers).
  std::string read_http_response() {
    if (!fill_until([&] { return inbox_.find("\r\n\r\n") != std::string::npos; })) return "";
    const auto end = inbox_.find("\r\n\r\n") + 4;
    auto head = inbox_.substr(0, end);
    inbox_.erase(0, end);
    return head;
  }

  // Sends the upgrade and takes the 101 and the welcome event.
  void open() {
    write(upgrade_request());
    ASSERT_NE(read_http_response().find("101"), std::string::npos);
    const auto welcome = next_frame();
    ASSERT_TRUE(welcome);
    ASSERT_NE(welcome->payload.find("welcome"), std::string::npos);
  }

  std::optional<ServerFrame> next_frame() {
    std::optional<ServerFrame> frame;
    fill_until([&] { return (frame = parse()).has_value(); });
    return frame;
  }

  // One TLS record's worth of bytes, as the next read returns them (after what is buffered).
  std::string read_one_record() {
    std::string bytes;
    read_some([&](std::string_view data) { bytes.append(data); });
    return bytes;
  }

  // True when the server closed the TCP connection within the deadline.
  bool wait_eof() {
    bool eof = false;
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (!eof && std::chrono::steady_clock::now() < deadline) {
      eof = !read_some([&](std::string_view data) { inbox_.append(data); });
    }
    return eof;
  }

  std::string& inbox() { return inbox_; }

 private:
  // Parses one server frame off the front of the inbox.
  std::optional<ServerFrame> parse() {
    if (inbox_.size() < 2) return std::nullopt;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(inbox_[i]); };
    EXPECT_EQ(byte(1) & 0x80, 0) << "server frames are never masked";
    std::size_t length = byte(1) & 0x7f;
    std::size_t header = 2;
    if (length == 126) {
      if (inbox_.size() < 4) return std::nullopt;
      length = (std::size_t{byte(2)} << 8) | byte(3);
      header = 4;
    } else if (length == 127) {
      if (inbox_.size() < 10) return std::nullopt;
      length = 0;
      for (std::size_t i = 2; i < 10; ++i)
        length = (length << 8) | byte(i);
      header = 10;
    }
    if (inbox_.size() < header + length) return std::nullopt;
    ServerFrame f{static_cast<std::uint8_t>(byte(0) & 0x0f), (byte(0) & 0x80) != 0,
                  inbox_.substr(header, length)};
    inbox_.erase(0, header + length);
    return f;
  }

  template <class Done>
  bool fill_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      if (!read_some([&](std::string_view data) { inbox_.append(data); })) return done();
    }
    return true;
  }

  // One read with a deadline; false at the end of the stream or on an error.
  template <class Sink>
  bool read_some(Sink sink) {
    std::array<char, 64 * 1024> buffer{};
    bool done = false;
    bool ok = false;
    stream_.async_read_some(net::buffer(buffer), [&](boost::system::error_code ec, std::size_t n) {
      done = true;
      ok = !ec;
      if (!ec) sink(std::string_view(buffer.data(), n));
    });
    ioc_.restart();
    ioc_.run_for(kWait);
    if (!done) {
      stream_.next_layer().cancel();
      ioc_.restart();
      ioc_.run();
    }
    return ok;
  }

  net::io_context ioc_;
  ssl::context ctx_;
  ssl::stream<net::ip::tcp::socket> stream_;
  std::string inbox_;
};

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
