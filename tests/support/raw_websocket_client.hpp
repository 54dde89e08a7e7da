#pragma once

// A WebSocket client made of bytes, for tests of the WebSocket layer and of hostile clients:
// everything it sends is written by the test, everything the server sends is parsed here. Reads
// wait with a deadline.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

namespace musubi::testing {

class TestServer;

inline constexpr std::string_view kRawKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455's own example

// The upgrade request for /ws with the musubi.v1 subprotocol.
std::string upgrade_request(std::string_view version = "13", std::string_view key = kRawKey);

// The header of a masked client frame whose payload is `length` bytes, mask key included (the
// payload itself need never be built, for frames that are refused from their header).
std::string client_frame_header(std::uint8_t opcode, std::uint64_t length, bool fin = true);

// A client frame: FIN and opcode as given, masked unless told otherwise.
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                         bool masked = true);

// {"id": id, "op": op, "body": {}}
std::string request_text(int id, std::string_view op);

// A frame as the server sent it.
struct RawFrame {
  std::uint8_t opcode = 0;
  bool fin = false;
  std::string payload;
  std::uint16_t close_code() const;
};

struct RawClientOptions {
  std::string source;            // local address to connect from, e.g. "127.0.0.2"; "": any
  int receive_buffer_bytes = 0;  // SO_RCVBUF before connecting (a small window); 0: the default
};

class RawClient {
 public:
  // Connects and completes the TLS handshake.
  explicit RawClient(const TestServer& server, const RawClientOptions& options = {});

  void write(const std::string& bytes);

  // The HTTP response to the upgrade (status line and headers).
  std::string read_http_response();

  // Sends the upgrade and takes the 101 and the welcome event (gtest assertions).
  void open();

  std::optional<RawFrame> next_frame();

  // One TLS record's worth of bytes, as the next read returns them (after what is buffered).
  std::string read_one_record();

  // True when the socket has something to read (bytes, or the end of the stream) within the
  // deadline; reads nothing. Unlike a read, waiting this way never cancels a TLS operation.
  bool readable_within(std::chrono::milliseconds timeout);

  // True when the server closed the connection within the deadline (whatever it sent before).
  bool wait_eof(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  std::string& inbox() { return inbox_; }
  boost::asio::ip::tcp::socket& socket() { return stream_.next_layer(); }

 private:
  enum class Read { data, closed, timed_out };

  std::optional<RawFrame> parse();
  template <class Done>
  bool fill_until(Done done);
  // One read with a deadline: data (given to `sink`), the end of the stream or an error, or
  // nothing in time.
  template <class Sink>
  Read read_some(Sink sink, std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  boost::asio::ssl::context ctx_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  std::string inbox_;
};

}  // namespace musubi::testing
