#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/connections_per_address.hpp"
#include "server/http_routes.hpp"
#include "server/live_sockets.hpp"
#include "server/services.hpp"
#include "server/tls_socket.hpp"

namespace musubi::server {

using FileResponse = boost::beast::http::response<boost::beast::http::file_body>;

// A new TLS connection: the handshake, then HTTP requests (/healthz, attachments, 404s) until
// one of them upgrades to WebSocket on /ws, which hands the stream over to a WebSocketSession.
// The header of each request is read first, so that an upload is authorized and its size
// checked before a byte of its body is read.
class HttpSession : public std::enable_shared_from_this<HttpSession>, public Closable {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, boost::asio::ssl::context& tls,
              Services& services, LiveSockets& live, ConnectionsPerAddress::Slot slot);
  ~HttpSession();

  void run();
  void shut_down() override;

 private:
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(HttpRequest request);
  void upgrade(const HttpRequest& request);
  void write(HttpResponse response);
  void write(FileResponse response);
  // Answers without reading the rest of the request, then closes the connection.
  void refuse(boost::beast::http::status status, std::string_view code, std::string_view message);
  // Writes one step of `out` (a response and its serializer) and goes on until it is written.
  // Each step renews the deadline: a long download that keeps moving is not cut off, one that
  // stalls is.
  template <class Pending>
  void write_step(std::shared_ptr<Pending> out);

  // attachment_routes.cpp
  void start_upload();
  void read_upload_body(std::int64_t user_id);
  void on_upload_body(std::int64_t user_id, boost::beast::error_code ec, std::size_t bytes);
  void store_upload(std::int64_t user_id, HttpRequest request);
  void download(const HttpRequest& request);
  void on_write(bool keep_alive, boost::beast::error_code ec);
  void do_shutdown();
  // Bounds what follows (a handshake, a request, an upload, a write step): when it expires, the
  // socket closes.
  void expire_after(std::chrono::seconds seconds);

  TlsSocket stream_;
  boost::asio::steady_timer deadline_;
  Services& services_;
  LiveSockets& live_;
  ConnectionsPerAddress::Slot slot_;  // handed on to the WebSocketSession on upgrade
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool handed_over_ = false;
};

}  // namespace musubi::server
