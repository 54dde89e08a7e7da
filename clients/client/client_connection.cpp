#include "clients/client/client_connection.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "clients/client/tls_setup.hpp"
#include "protocol/room_event.hpp"

namespace musubi::client {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct ClientConnection::Impl {
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  // Created only once `tls` is configured: an SSL object copies its context's settings (verify
  // mode, callback, protocol versions) when it is made.
  std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> stream;
  beast::flat_buffer buffer;
  bool reading = false;

  websocket::stream<beast::ssl_stream<beast::tcp_stream>>& ws() { return *stream; }
};

namespace {

// When MUSUBI_FRAME_LOG names a file, every text frame is appended to it as
// {"conn","dir","frame"}: the tests check real frames against protocol/schemas/.
struct FrameLog {
  int fd = -1;
  std::atomic<std::uint64_t> connections{0};

  FrameLog() {
    if (const char* path = std::getenv("MUSUBI_FRAME_LOG")) {
      fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    }
  }
  ~FrameLog() {
    if (fd >= 0) ::close(fd);
  }

  // One write() per line on an O_APPEND file: parallel test processes never interleave within a
  // line (stdio would split long lines into 4 KiB writes).
  void append(std::string line) const {
    line += '\n';
    [[maybe_unused]] const auto written = ::write(fd, line.data(), line.size());
  }
};

FrameLog& frame_log() {
  static FrameLog log;
  return log;
}

}  // namespace

ClientConnection::ClientConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  if (frame_log().fd >= 0) {
    log_id_ = std::to_string(::getpid()) + "-" + std::to_string(++frame_log().connections);
  }
}

ClientConnection::~ClientConnection() {
  if (!closed_) {
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->ws()).socket().close(ignored);
  }
}

std::unique_ptr<ClientConnection> ClientConnection::connect(const ConnectOptions& options) {
  auto impl = std::make_unique<Impl>();
  configure_tls(impl->tls, options.tls, options.url.host);
  auto& ws = impl->stream.emplace(impl->ioc, impl->tls);
  auto& tcp_layer = beast::get_lowest_layer(ws);
  const auto deadline = Clock::now() + options.timeout;

  // Each step runs the io_context until its handler has run: simple, and bounded by the
  // tcp_stream's expiry.
  auto run = [&](auto&& start) {
    beast::error_code result = net::error::would_block;
    start(result);
    impl->ioc.restart();
    while (result == net::error::would_block) {
      if (impl->ioc.run_one_until(deadline) == 0) break;
    }
    if (result == net::error::would_block) result = net::error::timed_out;
    return result;
  };

  tcp::resolver resolver(impl->ioc);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(options.url.host, options.url.port, ec);
  if (ec) throw ClientError("cannot resolve " + options.url.host + ": " + ec.message());
  tcp_layer.expires_at(deadline);
  if (options.local_address.empty()) {
    ec = run([&](beast::error_code& r) {
      tcp_layer.async_connect(endpoints,
                              [&r](beast::error_code e, const tcp::endpoint&) { r = e; });
    });
  } else {
    // A bound socket connects to one endpoint: connecting to a range would reopen it unbound.
    const auto local = net::ip::make_address(options.local_address, ec);
    if (ec) throw ClientError("bad local address " + options.local_address + ": " + ec.message());
    const tcp::endpoint remote = endpoints.begin()->endpoint();
    tcp_layer.socket().open(remote.protocol(), ec);
    if (!ec) tcp_layer.socket().bind(tcp::endpoint(local, 0), ec);
    if (ec) throw ClientError("cannot bind to " + options.local_address + ": " + ec.message());
    ec = run([&](beast::error_code& r) {
      tcp_layer.async_connect(remote, [&r](beast::error_code e) { r = e; });
    });
  }
  if (ec) throw ClientError("cannot connect to " + options.url.to_string() + ": " + ec.message());
  tcp_layer.socket().set_option(tcp::no_delay(true));

  if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), options.url.host.c_str())) {
    throw ClientError("cannot set TLS server name");
  }
  ec = run([&](beast::error_code& r) {
    ws.next_layer().async_handshake(ssl::stream_base::client, [&r](beast::error_code e) { r = e; });
  });
  if (ec) throw ClientError("TLS handshake with " + options.url.host + " failed: " + ec.message());

  tcp_layer.expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws.set_option(websocket::stream_base::decorator([options](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "musubi-client");
    if (!options.subprotocol.empty()) {
      req.set(beast::http::field::sec_websocket_protocol, options.subprotocol);
    }
    if (!options.origin.empty()) req.set(beast::http::field::origin, options.origin);
  }));
  ws.read_message_max(64 * 1024 * 1024);
  websocket::response_type response;
  const std::string host_header = options.url.host + ":" + options.url.port;
  tcp_layer.expires_at(deadline);  // bounds the upgrade; cleared again below
  ec = run([&](beast::error_code& r) {
    ws.async_handshake(response, host_header, options.url.path,
                       [&r](beast::error_code e) { r = e; });
  });
  if (ec) {
    const int status = static_cast<int>(response.result_int());
    if (status != 0 && status != 101) {
      throw ClientError("server refused the WebSocket upgrade (HTTP " + std::to_string(status) +
                            "): " + response.body(),
                        status, response.body());
    }
    throw ClientError("WebSocket upgrade failed: " + ec.message());
  }
  tcp_layer.expires_never();

  std::unique_ptr<ClientConnection> connection(new ClientConnection(std::move(impl)));
  connection->start_read();
  // The server greets every connection first.
  auto welcome = connection->next_event(options.timeout);
  if (!welcome || welcome->event != protocol::event::welcome) {
    throw ClientError("server did not send a welcome event");
  }
  connection->welcome_ = welcome->body;
  return connection;
}

void ClientConnection::start_read() {
  if (impl_->reading || closed_) return;
  impl_->reading = true;
  impl_->ws().async_read(impl_->buffer, [this](beast::error_code ec, std::size_t) {
    impl_->reading = false;
    if (ec) {
      const auto& reason = impl_->ws().reason();
      closed_ = CloseInfo{static_cast<unsigned short>(reason.code),
                          std::string(reason.reason.data(), reason.reason.size())};
      if (reason.code == 0) closed_->reason = ec.message();
      return;
    }
    std::string text = beast::buffers_to_string(impl_->buffer.data());
    impl_->buffer.consume(impl_->buffer.size());
    log("received", text);
    auto decoded = protocol::decode_server_frame(text);
    if (auto* frame = std::get_if<protocol::ServerFrame>(&decoded)) {
      inbox_.push_back(std::move(*frame));
    }
    start_read();
  });
}

template <class Pred>
bool ClientConnection::run_until(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // Whatever has already arrived counts, even with a zero timeout.
  impl_->ioc.restart();
  impl_->ioc.poll();
  while (!pred()) {
    if (closed_ || Clock::now() >= deadline) return pred();
    impl_->ioc.restart();
    if (impl_->ioc.run_one_until(deadline) == 0 && impl_->ioc.stopped() && !impl_->reading) {
      return pred();
    }
  }
  return true;
}

void ClientConnection::log(std::string_view direction, std::string_view text) {
  auto& fl = frame_log();
  if (fl.fd < 0) return;
  auto frame = nlohmann::json::parse(text, nullptr, false);
  if (frame.is_discarded()) return;
  const auto line =
      nlohmann::json{{"conn", log_id_}, {"dir", direction}, {"frame", std::move(frame)}}.dump();
  fl.append(line);
}

void ClientConnection::write(std::string text, bool binary) {
  if (closed_) throw ClientError("connection closed: " + closed_->reason);
  if (!binary) log("sent", text);
  // Shared with the handler: after a timeout it may still run during a later wait.
  struct State {
    std::string text;
    bool done = false;
    beast::error_code result;
  };
  auto state = std::make_shared<State>();
  state->text = std::move(text);
  impl_->ws().binary(binary);
  impl_->ws().async_write(net::buffer(state->text), [state](beast::error_code ec, std::size_t) {
    state->result = ec;
    state->done = true;
  });
  // A write to a healthy peer completes quickly; a stuck one means the server stopped reading.
  if (!run_until([&] { return state->done; }, std::chrono::seconds(30))) {
    throw ClientError(closed_ ? "connection closed: " + closed_->reason : "write timed out");
  }
  if (state->result) throw ClientError("write failed: " + state->result.message());
}

std::string ClientConnection::send_request(std::string_view op, const nlohmann::json& body) {
  const std::string id = std::to_string(next_id_++);
  write(protocol::dump(nlohmann::json{{"id", id}, {"op", op}, {"body", body}}), false);
  return id;
}

void ClientConnection::send_text(std::string text) {
  write(std::move(text), false);
}

void ClientConnection::send_binary(std::string data) {
  write(std::move(data), true);
}

template <class Match>
std::optional<protocol::ServerFrame> ClientConnection::take(Match match,
                                                            std::chrono::milliseconds timeout) {
  auto find = [&] { return std::find_if(inbox_.begin(), inbox_.end(), match); };
  if (!run_until([&] { return find() != inbox_.end(); }, timeout)) return std::nullopt;
  const auto it = find();
  auto frame = std::move(*it);
  inbox_.erase(it);
  return frame;
}

std::optional<protocol::ServerFrame> ClientConnection::reply_to(const std::string& id,
                                                                std::chrono::milliseconds timeout) {
  return take(
      [&](const protocol::ServerFrame& f) {
        return f.kind == protocol::ServerFrame::Kind::reply && f.id.is_string() &&
               f.id.get_ref<const std::string&>() == id;
      },
      timeout);
}

protocol::ServerFrame ClientConnection::request(std::string_view op, const nlohmann::json& body,
                                                std::chrono::milliseconds timeout) {
  const auto id = send_request(op, body);
  auto reply = reply_to(id, timeout);
  if (!reply) {
    throw ClientError(closed_ ? "connection closed: " + closed_->reason
                              : "no reply to " + std::string(op) + " in time");
  }
  return std::move(*reply);
}

std::optional<protocol::ServerFrame> ClientConnection::next_frame(
    std::chrono::milliseconds timeout) {
  return take([](const protocol::ServerFrame&) { return true; }, timeout);
}

std::optional<protocol::ServerFrame> ClientConnection::next_event(
    std::chrono::milliseconds timeout) {
  return take(
      [](const protocol::ServerFrame& f) { return f.kind == protocol::ServerFrame::Kind::event; },
      timeout);
}

std::optional<CloseInfo> ClientConnection::wait_closed(std::chrono::milliseconds timeout) {
  run_until([&] { return closed_.has_value(); }, timeout);
  return closed_;
}

void ClientConnection::close(unsigned short code) {
  if (closed_) return;
  auto done = std::make_shared<bool>(false);
  impl_->ws().async_close(websocket::close_reason(code),
                          [done](beast::error_code) { *done = true; });
  run_until([&] { return *done && closed_.has_value(); }, std::chrono::seconds(5));
  if (!closed_) closed_ = CloseInfo{code, "closed by client"};
}

}  // namespace musubi::client
