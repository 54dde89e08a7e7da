#include "server/websocket_session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "musubi_version.hpp"
#include "protocol/envelope.hpp"
#include "server/log.hpp"

namespace musubi::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;

WebSocketSession::WebSocketSession(TlsStream&& stream, Services& services, LiveSockets& live,
                                   std::string peer)
    : ws_(std::move(stream)),
      close_timer_(ws_.get_executor()),
      services_(services),
      live_(live),
      connection_(services, *this, std::move(peer)) {}

WebSocketSession::~WebSocketSession() {
  live_.remove(this);
}

void WebSocketSession::run(http::request<http::string_body> request) {
  live_.add(this, weak_from_this());
  const auto& timeouts = services_.config.timeouts;
  // The WebSocket layer keeps its own timers from here on; the TCP stream's would cut idle
  // clients that are merely quiet.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(timeouts.tls_handshake_seconds);
  timeout.idle_timeout = std::chrono::seconds(timeouts.websocket_idle_seconds);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, std::string("musubid/") + kVersion);
    res.set(http::field::sec_websocket_protocol, protocol::kSubprotocol);
  }));
  ws_.read_message_max(services_.config.limits.max_frame_bytes);
  ws_.auto_fragment(false);
  ws_.async_accept(request,
                   beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return finish();
  connection_.on_open();
  do_read();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_,
                 beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // websocket::error::closed is a normal close by the peer; message_too_big has already been
    // answered by Beast with close code 1009.
    return finish();
  }
  if (!closing_) {  // once closing, requests are no longer carried out
    const auto data = buffer_.cdata();
    connection_.on_frame(ws_.got_text(),
                         std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  do_read();
}

void WebSocketSession::send(Frame frame) {
  if (closing_ || finished_) return;
  if (queued_bytes_ + frame->size() > services_.config.limits.send_queue_bytes) {
    // The client reads slower than its rooms move. Drop what it has not received (it resumes
    // from its last seq) and tell it why.
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back()->size();
      queue_.pop_back();
    }
    MUSUBI_LOG(info) << "websocket: closing slow consumer";
    return close(protocol::close_code::slow_consumer, "send queue full: resume from your last seq");
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (!writing_) do_write();
}

void WebSocketSession::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (ec) return finish();
  if (!queue_.empty()) {
    do_write();
  } else if (closing_ && !close_sent_) {
    do_close();
  }
  connection_.on_write_complete();
}

void WebSocketSession::close(unsigned short code, std::string reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  close_reason_.code = code;
  close_reason_.reason = std::move(reason);
  // Queued frames and the close handshake get a bounded time: a client that stopped reading
  // must not hold the socket forever.
  close_timer_.expires_after(std::chrono::seconds(services_.config.timeouts.close_seconds));
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
    self->finish();
  });
  if (!writing_) do_close();
}

void WebSocketSession::do_close() {
  close_sent_ = true;
  ws_.async_close(close_reason_,
                  [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void WebSocketSession::shut_down() {
  boost::asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    self->close(protocol::close_code::going_away, "server shutting down");
  });
}

void WebSocketSession::finish() {
  if (finished_) return;
  finished_ = true;
  close_timer_.cancel();
  connection_.on_closed();
  // Pending operations complete with errors; the session is freed with the last handler.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both,
                                                 ignored);
}

}  // namespace musubi::server
