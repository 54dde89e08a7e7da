#include "tests/support/raw_websocket_client.hpp"

#include <array>
#include <poll.h>

#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_server.hpp"

namespace musubi::testing {

namespace net = boost::asio;
namespace ssl = net::ssl;

std::string upgrade_request(std::string_view version, std::string_view key) {
  std::string r =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Protocol: musubi.v1\r\n";
  r += "Sec-WebSocket-Version: " + std::string(version) + "\r\n";
  r += "Sec-WebSocket-Key: " + std::string(key) + "\r\n\r\n";
  return r;
}

namespace {

constexpr std::array<char, 4> kMask{'\x12', '\x34', '\x56', '\x78'};

std::string frame_header(std::uint8_t opcode, std::uint64_t length, bool fin, bool masked) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | opcode);
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  if (length < 126) {
    f += static_cast<char>(mask_bit | length);
  } else if (length < 65536) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>(length >> 8);
    f += static_cast<char>(length & 0xff);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      f += static_cast<char>(length >> shift);
  }
  if (masked) f.append(kMask.data(), kMask.size());
  return f;
}

}  // namespace

std::string client_frame_header(std::uint8_t opcode, std::uint64_t length, bool fin) {
  return frame_header(opcode, length, fin, true);
}

std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin, bool masked) {
  std::string f = frame_header(opcode, payload.size(), fin, masked);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    f += masked ? static_cast<char>(payload[i] ^ kMask[i % 4]) : payload[i];
  }
  return f;
}

std::string request_text(int id, std::string_view op) {
  return nlohmann::json{{"id", id}, {"op", op}, {"body", nlohmann::json::object()}}.dump();
}

std::uint16_t RawFrame::close_code() const {
  return payload.size() < 2
             ? 0
             : static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                          static_cast<unsigned char>(payload[1]));
}

RawClient::RawClient(const TestServer& server, const RawClientOptions& options)
    : ctx_(ssl::context::tls_client), stream_(ioc_, ctx_) {
  ctx_.set_verify_mode(ssl::verify_none);
  socket().open(net::ip::tcp::v4());
  if (options.receive_buffer_bytes > 0) {
    socket().set_option(net::socket_base::receive_buffer_size(options.receive_buffer_bytes));
  }
  if (!options.source.empty()) socket().bind({net::ip::make_address(options.source), 0});
  socket().connect({net::ip::make_address("127.0.0.1"), server.port()});
  stream_.handshake(ssl::stream_base::client);
}

void RawClient::write(const std::string& bytes) {
  net::write(stream_, net::buffer(bytes));
}

std::string RawClient::read_http_response() {
  if (!fill_until([&] { return inbox_.find("\r\n\r\n") != std::string::npos; })) return "";
  const auto end = inbox_.find("\r\n\r\n") + 4;
  auto head = inbox_.substr(0, end);
  inbox_.erase(0, end);
  return head;
}

void RawClient::open() {
  write(upgrade_request());
  ASSERT_NE(read_http_response().find("101"), std::string::npos);
  const auto welcome = next_frame();
  ASSERT_TRUE(welcome);
  ASSERT_NE(welcome->payload.find("welcome"), std::string::npos);
}

std::optional<RawFrame> RawClient::next_frame() {
  std::optional<RawFrame> frame;
  fill_until([&] { return (frame = parse()).has_value(); });
  return frame;
}

std::string RawClient::read_one_record() {
  std::string bytes;
  read_some([&](std::string_view data) { bytes.append(data); }, kWait);
  return bytes;
}

bool RawClient::readable_within(std::chrono::milliseconds timeout) {
  pollfd p{socket().native_handle(), POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

bool RawClient::wait_eof(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    switch (read_some([&](std::string_view data) { inbox_.append(data); }, left)) {
      case Read::data: continue;
      case Read::closed: return true;
      case Read::timed_out: return false;
    }
  }
}

std::optional<RawFrame> RawClient::parse() {
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
  RawFrame f{static_cast<std::uint8_t>(byte(0) & 0x0f), (byte(0) & 0x80) != 0,
             inbox_.substr(header, length)};
  inbox_.erase(0, header + length);
  return f;
}

template <class Done>
bool RawClient::fill_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!done()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (read_some([&](std::string_view data) { inbox_.append(data); }, left) != Read::data) {
      return done();
    }
  }
  return true;
}

template <class Sink>
RawClient::Read RawClient::read_some(Sink sink, std::chrono::milliseconds timeout) {
  std::array<char, 64 * 1024> buffer{};
  bool done = false;
  bool ok = false;
  stream_.async_read_some(net::buffer(buffer), [&](boost::system::error_code ec, std::size_t n) {
    done = true;
    ok = !ec;
    if (!ec) sink(std::string_view(buffer.data(), n));
  });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (done) return ok ? Read::data : Read::closed;
  socket().cancel();
  ioc_.restart();
  ioc_.run();
  return Read::timed_out;
}

}  // namespace musubi::testing
