#include "server/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "musubi_version.hpp"
#include "protocol/envelope.hpp"
#include "server/connection_registry.hpp"
#include "server/connections_per_address.hpp"
#include "server/metrics.hpp"
#include "server/websocket_session.hpp"
#include "storage/store.hpp"

namespace musubi::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;

namespace {
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::uint64_t kBodyLimit = std::uint64_t{8} * 1024;  // only uploads take a body
// What the read buffer may hold. Beast moves a body into the request as it parses, so the buffer
// only holds what the parser needs whole: a header (8 KiB at most) or a chunk's size line, which
// Beast 1.81 does not bound. Without a limit, a client sending one endless chunk line grows it
// until the request times out. 64 KiB is Beast's own read size.
constexpr std::size_t kReadBufferLimit = std::size_t{64} * 1024;

// A response being written and its serializer, which refers to it.
template <class Body>
struct Outgoing {
  explicit Outgoing(http::response<Body>&& r) : response(std::move(r)) {}
  http::response<Body> response;
  http::response_serializer<Body> serializer{response};
};
}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket&& socket, ssl::context& tls,
                         Services& services, LiveSockets& live, ConnectionsPerAddress::Slot slot)
    : stream_(std::move(socket), tls.native_handle()),
      deadline_(stream_.get_executor()),
      services_(services),
      live_(live),
      slot_(std::move(slot)),
      buffer_(kReadBufferLimit) {
  beast::error_code ec;
  const auto endpoint = stream_.socket().remote_endpoint(ec);
  peer_ = ec ? "unknown" : endpoint.address().to_string();
}

HttpSession::~HttpSession() {
  if (!handed_over_) live_.remove(this);
}

void HttpSession::run() {
  live_.add(this, weak_from_this());
  boost::asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->expire_after(std::chrono::seconds(self->services_.config.timeouts.tls_handshake_seconds));
    self->stream_.async_handshake(
        [self](beast::error_code ec, std::size_t) { self->on_handshake(ec); });
  });
}

void HttpSession::shut_down() {
  boost::asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->handed_over_) return;
    beast::error_code ignored;
    self->stream_.socket().close(ignored);
  });
}

void HttpSession::expire_after(std::chrono::seconds seconds) {
  deadline_.expires_after(seconds);
  deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->handed_over_) return;
    // Renewed after this wait had already completed: expires_after could not cancel it.
    if (self->deadline_.expiry() > std::chrono::steady_clock::now()) return;
    beast::error_code ignored;
    self->stream_.socket().close(ignored);  // the pending operation fails and frees the session
  });
}

void HttpSession::on_handshake(beast::error_code ec) {
  if (ec) return;  // port scanners, old TLS versions, weak suites: nothing to say
  do_read();
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  // Set per route once the header is in (Beast checks a Content-Length against the limit when
  // the header completes, before we know the route).
  parser_->body_limit(boost::none);
  expire_after(std::chrono::seconds(services_.config.timeouts.http_request_seconds));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_shutdown();
  if (ec) return;
  if (route(parser_->get()) == Route::upload) return start_upload();
  if (parser_->content_length().value_or(0) > kBodyLimit) {
    return refuse(http::status::payload_too_large, "too_large", "this path takes no body");
  }
  parser_->body_limit(kBodyLimit);  // for chunked bodies
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_shutdown();
  if (ec == http::error::body_limit) {
    return refuse(http::status::payload_too_large, "too_large", "this path takes no body");
  }
  if (ec) return;
  handle(parser_->release());
}

void HttpSession::handle(HttpRequest request) {
  const Route target = route(request);
  if (target == Route::websocket) {
    if (auto refusal = refuse_upgrade(request, services_.allowed_origins)) {
      return write(std::move(*refusal));
    }
    return upgrade(request);
  }
  if (target == Route::not_found) {
    return write(error_response(request, http::status::not_found, "not_found", "no such path"));
  }

  if (request.method() != http::verb::get) {
    auto refusal =
        error_response(request, http::status::method_not_allowed, "method_not_allowed", "use GET");
    refusal.set(http::field::allow, "GET");
    return write(std::move(refusal));
  }
  if (target == Route::download) return download(request);
  if (target == Route::metrics) {
    const auto writer = services_.store.writer_stats();
    MetricsSnapshot snapshot;
    snapshot.open_connections = live_.size();
    snapshot.signed_in_connections = services_.registry.size();
    snapshot.refused_connections = services_.peers.refused();
    snapshot.storage_commits = writer.commits;
    snapshot.storage_write_jobs = writer.jobs;
    snapshot.storage_failed_write_jobs = writer.failed_jobs;
    snapshot.request_latency = services_.request_latency.snapshot();
    return write(text_response(request, http::status::ok, "text/plain; version=0.0.4",
                               render_metrics(snapshot)));
  }
  // Alive: a reader thread answers a query. Ready: the writer thread commits (an empty
  // transaction, so no fsync). Neither runs on this network thread.
  auto respond = [self = shared_from_this(), request](std::optional<bool> ok) {
    boost::asio::dispatch(self->stream_.get_executor(), [self, request, ok] {
      const bool healthy = ok.value_or(false);
      self->write(json_response(
          request, healthy ? http::status::ok : http::status::service_unavailable,
          protocol::dump(nlohmann::json{{"status", healthy ? "ok" : "unavailable"},
                                        {"version", kVersion},
                                        {"database", healthy ? "ok" : "unavailable"}})));
    });
  };
  if (target == Route::health) {
    services_.store.read(
        [](storage::Database& db) {
          db.prepare("SELECT 1").step();
          return true;
        },
        std::move(respond));
  } else {
    services_.store.write([](storage::Database&) { return true; }, std::move(respond));
  }
}

void HttpSession::upgrade(const HttpRequest& request) {
  handed_over_ = true;
  deadline_.cancel();
  live_.remove(this);
  const auto pipelined = buffer_.cdata();
  std::make_shared<WebSocketSession>(std::move(stream_), services_, live_, std::move(slot_), peer_)
      ->run(request,
            std::string_view(static_cast<const char*>(pipelined.data()), pipelined.size()));
}

void HttpSession::write(HttpResponse response) {
  write_step(std::make_shared<Outgoing<http::string_body>>(std::move(response)));
}

void HttpSession::write(FileResponse response) {
  write_step(std::make_shared<Outgoing<http::file_body>>(std::move(response)));
}

template <class Pending>
void HttpSession::write_step(std::shared_ptr<Pending> out) {
  // A 20 MiB attachment to a slow phone takes minutes: the deadline bounds each step, not the
  // whole response.
  expire_after(std::chrono::seconds(services_.config.timeouts.http_request_seconds));
  auto& serializer = out->serializer;
  http::async_write_some(
      stream_, serializer,
      [self = shared_from_this(), out = std::move(out)](beast::error_code ec, std::size_t) mutable {
        if (!ec && !out->serializer.is_done()) return self->write_step(std::move(out));
        self->on_write(out->response.keep_alive(), ec);
      });
}

void HttpSession::refuse(http::status status, std::string_view code, std::string_view message) {
  auto response = error_response(parser_->get(), status, code, message);
  response.keep_alive(false);
  write(std::move(response));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec) {
  if (ec) return;
  if (!keep_alive) return do_shutdown();
  do_read();
}

void HttpSession::do_shutdown() {
  expire_after(std::chrono::seconds(services_.config.timeouts.close_seconds));
  stream_.async_shutdown([self = shared_from_this()](beast::error_code, std::size_t) {
    beast::error_code ignored;
    self->stream_.socket().close(ignored);
    self->deadline_.cancel();
  });
}

}  // namespace musubi::server
