#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "server/connection.hpp"
#include "server/live_sockets.hpp"
#include "server/transport.hpp"

namespace musubi::server {

// One upgraded WebSocket over TLS: the read loop, the bounded write queue (one write in flight),
// and the close handshake. Everything runs on the socket's strand. The protocol itself is the
// Connection's business.
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession>,
                         public Transport,
                         public Closable {
 public:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  WebSocketSession(TlsStream&& stream, Services& services, LiveSockets& live, std::string peer);
  ~WebSocketSession();

  // Completes the upgrade of `request` and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  // Transport.
  void send(Frame frame) override;
  void close(unsigned short code, std::string reason) override;
  std::size_t queued_bytes() const override { return queued_bytes_; }
  boost::asio::any_io_executor executor() override { return ws_.get_executor(); }
  std::shared_ptr<void> keep_alive() override { return shared_from_this(); }

  // Closable.
  void shut_down() override;

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void finish();

  boost::beast::websocket::stream<TlsStream> ws_;
  boost::asio::steady_timer close_timer_;  // bounds the close: queued frames and handshake
  Services& services_;
  LiveSockets& live_;
  boost::beast::flat_buffer buffer_;
  std::deque<Frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;     // close() was called: no more frames are queued
  bool close_sent_ = false;  // the close handshake has started
  boost::beast::websocket::close_reason close_reason_;
  bool finished_ = false;
  Connection connection_;
};

}  // namespace musubi::server
