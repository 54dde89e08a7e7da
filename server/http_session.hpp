#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/http_routes.hpp"
#include "server/live_sockets.hpp"
#include "server/services.hpp"

namespace musubi::server {

// A new TLS connection: the handshake, then HTTP requests (/healthz, 404s) until one of them
// upgrades to WebSocket on /ws, which hands the stream over to a WebSocketSession.
class HttpSession : public std::enable_shared_from_this<HttpSession>, public Closable {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, boost::asio::ssl::context& tls,
              Services& services, LiveSockets& live);
  ~HttpSession();

  void run();
  void shut_down() override;

 private:
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(HttpRequest request);
  void upgrade(HttpRequest request);
  void write(HttpResponse response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_shutdown();

  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  Services& services_;
  LiveSockets& live_;
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<void> response_;  // keeps the response being written alive
  bool handed_over_ = false;
};

}  // namespace musubi::server
