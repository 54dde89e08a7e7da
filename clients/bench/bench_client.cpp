#include "clients/bench/bench_client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include "clients/bench/frame_scan.hpp"
#include "protocol/envelope.hpp"

namespace musubi::bench {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using nlohmann::json;

namespace {
constexpr auto kSetupTimeout = std::chrono::seconds(30);
constexpr std::int64_t kResumeId = 1;
constexpr std::int64_t kSubscribeId = 2;
}  // namespace

BenchClient::BenchClient(net::io_context& ioc, const Target& target, int id, std::string token,
                         std::vector<Subscription> rooms, const Handlers& handlers)
    : ws_(ioc.get_executor(), *target.tls),
      target_(target),
      id_(id),
      token_(std::move(token)),
      rooms_(std::move(rooms)),
      handlers_(handlers) {}

void BenchClient::start(const net::ip::address& source) {
  auto& tcp = beast::get_lowest_layer(ws_);
  auto& socket = tcp.socket();
  beast::error_code ec;
  socket.open(target_.server.protocol(), ec);
  if (ec) return fail("socket: " + ec.message());
  if (!source.is_unspecified()) {
    // Let connect() pick the port for the whole 4-tuple: each source address then has its own
    // ephemeral port range towards the one server port.
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(net::ip::tcp::endpoint(source, 0), ec);
    if (ec) return fail("bind " + source.to_string() + ": " + ec.message());
  }
  tcp.expires_after(kSetupTimeout);
  tcp.async_connect(target_.server, [self = shared_from_this()](beast::error_code e) {
    if (e) return self->fail("connect: " + e.message());
    net::ip::tcp::no_delay nodelay(true);
    beast::get_lowest_layer(self->ws_).socket().set_option(nodelay, e);
    auto* ssl = self->ws_.next_layer().native_handle();
    SSL_set_tlsext_host_name(ssl, self->target_.host.c_str());
    self->ws_.next_layer().set_verify_callback(
        net::ssl::host_name_verification(self->target_.host));
    self->ws_.next_layer().async_handshake(
        net::ssl::stream_base::client, [self](beast::error_code e2) {
          if (e2) return self->fail("TLS: " + e2.message());
          beast::get_lowest_layer(self->ws_).expires_never();
          websocket::stream_base::timeout timeout{};
          timeout.handshake_timeout = kSetupTimeout;
          timeout.idle_timeout = websocket::stream_base::none();
          timeout.keep_alive_pings = false;
          self->ws_.set_option(timeout);
          self->ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(beast::http::field::sec_websocket_protocol, protocol::kSubprotocol);
          }));
          self->ws_.async_handshake(self->target_.host, self->target_.path,
                                    [self](beast::error_code e3) {
                                      if (e3) return self->fail("upgrade: " + e3.message());
                                      self->step_ = Step::welcome;
                                      self->read();
                                    });
        });
  });
}

void BenchClient::fail(const std::string& what) {
  if (step_ == Step::closed) return;
  step_ = Step::closed;
  if (handlers_.on_failed) handlers_.on_failed(*this, what);  // ready() still tells which phase
  ready_ = false;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void BenchClient::read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_read(ec);
  });
}

void BenchClient::on_read(beast::error_code ec) {
  if (ec) {
    if (step_ == Step::closed) return;  // our own close
    return fail("read: " + ec.message());
  }
  const auto data = buffer_.cdata();
  const std::string_view frame(static_cast<const char*>(data.data()), data.size());
  if (step_ == Step::live) {
    handlers_.on_frame(*this, frame);
  } else {
    on_setup_frame(frame);
  }
  buffer_.consume(buffer_.size());
  if (step_ != Step::closed) read();
}

void BenchClient::on_setup_frame(std::string_view frame) {
  switch (step_) {
    case Step::welcome:
      if (token_.empty()) return become_live();  // signed out: the scenario signs in itself
      step_ = Step::resume;
      send(json{{"id", kResumeId}, {"op", "session.resume"}, {"body", {{"token", token_}}}}.dump());
      return;
    case Step::resume: {
      const auto reply = scan_reply(frame);
      if (!reply || reply->id != kResumeId) return;  // an event (say, an announcement)
      if (!reply->ok) return fail("session.resume refused: " + std::string(reply->error_code));
      if (rooms_.empty()) return become_live();
      step_ = Step::subscribe;
      json rooms = json::array();
      for (const auto& r : rooms_) {
        json cursor{{"room", r.room}};
        if (r.after) cursor["after"] = *r.after;
        rooms.push_back(std::move(cursor));
      }
      send(json{{"id", kSubscribeId}, {"op", "room.subscribe"}, {"body", {{"rooms", rooms}}}}
               .dump());
      return;
    }
    case Step::subscribe: {
      const auto reply = scan_reply(frame);
      if (!reply || reply->id != kSubscribeId) return;
      if (!reply->ok) return fail("room.subscribe refused: " + std::string(reply->error_code));
      const auto doc = json::parse(frame, nullptr, false);
      for (const auto& r : doc.at("result").at("rooms")) {
        if (!r.contains("last_seq")) {
          return fail("room.subscribe: " + r.value("room", std::string()) + " not found");
        }
        const auto room = r.at("room").get<std::string>();
        auto from = r.at("last_seq").get<std::int64_t>();
        for (const auto& mine : rooms_) {
          if (mine.room == room && mine.after) from = std::min(from, *mine.after);
        }
        subscribed_.emplace_back(room, from);
      }
      return become_live();
    }
    default: return;
  }
}

void BenchClient::become_live() {
  step_ = Step::live;
  ready_ = true;
  if (handlers_.on_ready) handlers_.on_ready(*this);
}

void BenchClient::send(std::string text) {
  if (step_ == Step::closed) return;
  queue_.push_back(std::move(text));
  if (!writing_) write();
}

void BenchClient::write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    self->writing_ = false;
                    self->queue_.pop_front();
                    if (ec) return self->fail("write: " + ec.message());
                    if (!self->queue_.empty()) self->write();
                  });
}

void BenchClient::close() {
  if (step_ == Step::closed) return;
  step_ = Step::closed;
  ready_ = false;
  ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

}  // namespace musubi::bench
