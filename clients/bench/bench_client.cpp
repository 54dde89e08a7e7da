#include "clients/bench/bench_client.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <system_error>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "clients/bench/frame_scan.hpp"
#include "protocol/envelope.hpp"
#include "server/socket_bio.hpp"
#include "server/websocket/frame_header.hpp"
#include "server/websocket/handshake.hpp"

namespace musubi::bench {

namespace net = boost::asio;
using nlohmann::json;
using server::websocket::Message;
using server::websocket::Opcode;

namespace {
constexpr auto kSetupTimeout = std::chrono::seconds(30);
constexpr std::int64_t kResumeId = 1;
constexpr std::int64_t kSubscribeId = 2;
constexpr std::size_t kMaxMessageBytes = std::size_t{16} << 20;
constexpr std::size_t kScratchBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxUpgradeResponse = std::size_t{16} * 1024;

// What an OpenSSL call that returned `result` failed with, for a message.
std::string tls_error(SSL* ssl, int result) {
  const int code = SSL_get_error(ssl, result);
  if (code == SSL_ERROR_ZERO_RETURN) return "closed by the server";
  if (code == SSL_ERROR_SYSCALL) {
    return errno != 0 ? std::system_category().message(errno) : "connection lost";
  }
  std::array<char, 256> text{};
  ERR_error_string_n(ERR_get_error(), text.data(), text.size());
  return text.data();
}

}  // namespace

// Hands the frames FrameReader finds to the client.
class BenchClient::FrameSink final : public server::websocket::MessageHandler {
 public:
  explicit FrameSink(BenchClient& client) : client_(client) {}
  bool on_message(const Message& message) override { return client_.on_message(message); }

 private:
  BenchClient& client_;
};

void BenchClient::SslFree::operator()(SSL* ssl) const {
  SSL_free(ssl);
}

BenchClient::BenchClient(net::io_context& ioc, const Target& target, int id, std::string token,
                         std::vector<Subscription> rooms, const Handlers& handlers)
    : socket_(ioc.get_executor()),
      setup_deadline_(ioc.get_executor()),
      frames_(kMaxMessageBytes, server::websocket::Sender::server),
      target_(target),
      id_(id),
      token_(std::move(token)),
      rooms_(std::move(rooms)),
      handlers_(handlers) {}

void BenchClient::start(const net::ip::address& source) {
  boost::system::error_code ec;
  socket_.open(target_.server.protocol(), ec);
  if (ec) return fail("socket: " + ec.message());
  if (!source.is_unspecified()) {
    // Let connect() pick the port for the whole 4-tuple: each source address then has its own
    // ephemeral port range towards the one server port.
    const int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket_.bind(net::ip::tcp::endpoint(source, 0), ec);
    if (ec) return fail("bind " + source.to_string() + ": " + ec.message());
  }
  setup_deadline_.expires_after(kSetupTimeout);
  setup_deadline_.async_wait([self = shared_from_this()](boost::system::error_code e) {
    if (!e && !self->ready_) self->fail("setup timed out");
  });
  socket_.async_connect(target_.server, [self = shared_from_this()](boost::system::error_code e) {
    if (self->step_ == Step::closed) return;
    if (e) return self->fail("connect: " + e.message());
    self->socket_.set_option(net::ip::tcp::no_delay(true), e);
    self->socket_.non_blocking(true, e);
    self->ssl_.reset(SSL_new(self->target_.tls->native_handle()));
    BIO* bio = self->ssl_ ? server::new_socket_bio(self->socket_.native_handle()) : nullptr;
    if (bio == nullptr) return self->fail("TLS: out of memory");
    SSL_set_bio(self->ssl_.get(), bio, bio);
    SSL_set_connect_state(self->ssl_.get());
    // The context verifies the certificate against the host name (client::configure_tls).
    SSL_set_tlsext_host_name(self->ssl_.get(), self->target_.host.c_str());
    // Whole records and whatever follows them in one recv, not a header and then a body.
    SSL_set_read_ahead(self->ssl_.get(), 1);
    SSL_set_mode(self->ssl_.get(),
                 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    self->step_ = Step::tls;
    self->handshake();
  });
}

void BenchClient::handshake() {
  ERR_clear_error();
  const int r = SSL_do_handshake(ssl_.get());
  if (r != 1) {
    const int code = SSL_get_error(ssl_.get(), r);
    if (code == SSL_ERROR_WANT_READ) return await(Want::read, &BenchClient::handshake);
    if (code == SSL_ERROR_WANT_WRITE) return await(Want::write, &BenchClient::handshake);
    return fail("TLS: " + tls_error(ssl_.get(), r));
  }
  // 16 random bytes for the upgrade's key, 4 to seed the masking keys.
  std::array<unsigned char, 20> nonce{};
  RAND_bytes(nonce.data(), static_cast<int>(nonce.size()));
  std::array<unsigned char, 25> key{};
  EVP_EncodeBlock(key.data(), nonce.data(), 16);
  upgrade_key_.assign(reinterpret_cast<const char*>(key.data()), 24);
  std::memcpy(&mask_state_, nonce.data() + 16, sizeof mask_state_);
  mask_state_ |= 1u;  // xorshift never leaves zero
  step_ = Step::upgrade;
  out_ = "GET " + target_.path + " HTTP/1.1\r\nHost: " + target_.host +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
         "Sec-WebSocket-Key: " +
         upgrade_key_ + "\r\nSec-WebSocket-Protocol: " + std::string(protocol::kSubprotocol) +
         "\r\n\r\n";
  flush();
  if (step_ != Step::closed) on_readable();
}

void BenchClient::await(Want want, void (BenchClient::*then)()) {
  socket_.async_wait(
      want == Want::write ? net::socket_base::wait_write : net::socket_base::wait_read,
      [self = shared_from_this(), then](boost::system::error_code ec) {
        if (!self->socket_.is_open()) return;
        if (ec) return self->fail("wait: " + ec.message());
        ((*self).*then)();
      });
}

void BenchClient::on_readable() {
  if (step_ == Step::closed) return;
  // All clients run on one thread and none reads while another does: one scratch buffer serves
  // them all, and a client keeps only the bytes of a frame that has not all arrived.
  thread_local std::string scratch(kScratchBytes, '\0');
  if (scratch.size() < 2 * pending_.size()) scratch.resize(2 * pending_.size());
  std::size_t size = pending_.size();
  std::memcpy(scratch.data(), pending_.data(), size);
  pending_.clear();

  bool drained = false;
  std::optional<Want> want;
  std::string error;
  while (size < scratch.size()) {
    ERR_clear_error();
    std::size_t n = 0;
    const int r = SSL_read_ex(ssl_.get(), scratch.data() + size, scratch.size() - size, &n);
    if (r == 1) {
      size += n;
      drained =
          server::socket_bio_drained(SSL_get_rbio(ssl_.get())) && !SSL_has_pending(ssl_.get());
      if (drained) break;
      continue;
    }
    const int code = SSL_get_error(ssl_.get(), r);
    if (code == SSL_ERROR_WANT_READ) {
      want = Want::read;
    } else if (code == SSL_ERROR_WANT_WRITE) {
      want = Want::write;
    } else {
      error = tls_error(ssl_.get(), r);
    }
    break;
  }
  if (drained) want = Want::read;

  std::size_t used = 0;
  if (step_ == Step::upgrade) used = take_upgrade_response({scratch.data(), size});
  if (step_ != Step::upgrade && step_ != Step::closed) {
    FrameSink sink(*this);
    const auto result = frames_.read(scratch.data() + used, size - used, sink);
    if (result.failure) return fail("frame: " + std::string(result.failure->reason));
    used += result.consumed;
  }
  if (step_ == Step::closed) return;
  pending_.assign(scratch.data() + used, size - used);
  if (!error.empty()) return fail("read: " + error);
  if (!want) {
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->on_readable(); });
    return;
  }
  await(*want, &BenchClient::on_readable);
}

std::size_t BenchClient::take_upgrade_response(std::string_view received) {
  namespace http = boost::beast::http;
  http::response_parser<http::empty_body> parser;
  parser.header_limit(kMaxUpgradeResponse);
  boost::beast::error_code ec;
  const std::size_t taken = parser.put(net::buffer(received.data(), received.size()), ec);
  if (ec == http::error::need_more) return 0;
  if (ec) {
    fail("upgrade: " + ec.message());
    return 0;
  }
  const auto& response = parser.get();
  if (response.result() != http::status::switching_protocols) {
    fail("upgrade: " + std::to_string(response.result_int()) + " " +
         std::string(response.reason()));
    return 0;
  }
  if (response[http::field::sec_websocket_accept] != server::websocket::accept_key(upgrade_key_)) {
    fail("upgrade: wrong Sec-WebSocket-Accept");
    return 0;
  }
  step_ = Step::welcome;
  return taken;
}

bool BenchClient::on_message(const Message& message) {
  switch (message.opcode) {
    case Opcode::text:
      if (step_ == Step::live) {
        handlers_.on_frame(*this, message.payload);
      } else {
        on_setup_frame(message.payload);
      }
      break;
    case Opcode::ping:
      queue_frame(Opcode::pong, message.payload);
      if (!writing_) flush();
      break;
    case Opcode::close: fail("closed by the server"); break;
    default: break;
  }
  return step_ != Step::closed;
}

void BenchClient::fail(const std::string& what) {
  if (step_ == Step::closed) return;
  step_ = Step::closed;
  if (handlers_.on_failed) handlers_.on_failed(*this, what);  // ready() still tells which phase
  ready_ = false;
  setup_deadline_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
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
  setup_deadline_.cancel();
  if (handlers_.on_ready) handlers_.on_ready(*this);
}

void BenchClient::send(std::string_view text) {
  if (step_ == Step::closed) return;
  if (step_ < Step::welcome) return fail("send: the WebSocket is not open yet");
  queue_frame(Opcode::text, text);
  if (!writing_) flush();
}

void BenchClient::queue_frame(Opcode opcode, std::string_view payload) {
  std::array<char, 10> header{};
  const std::size_t header_size = server::websocket::encode_header(opcode, payload.size(), header);
  header[1] = static_cast<char>(header[1] | 0x80);  // a client's frames are masked
  // The masking keys need not be secret here: the benchmark talks to its own server over
  // loopback, with no intermediary that predictable keys could mislead (RFC 6455 §10.3).
  mask_state_ ^= mask_state_ << 13;
  mask_state_ ^= mask_state_ >> 17;
  mask_state_ ^= mask_state_ << 5;
  std::array<char, 4> mask{};
  std::memcpy(mask.data(), &mask_state_, mask.size());
  out_.append(header.data(), header_size);
  out_.append(mask.data(), mask.size());
  const std::size_t at = out_.size();
  out_.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out_[at + i] = static_cast<char>(out_[at + i] ^ mask[i & 3]);
}

void BenchClient::flush() {
  writing_ = false;
  while (!out_.empty()) {
    ERR_clear_error();
    std::size_t n = 0;
    const int r = SSL_write_ex(ssl_.get(), out_.data(), out_.size(), &n);
    if (r == 1) {
      out_.erase(0, n);
      continue;
    }
    const int code = SSL_get_error(ssl_.get(), r);
    if (code != SSL_ERROR_WANT_WRITE && code != SSL_ERROR_WANT_READ) {
      if (closing_) {
        boost::system::error_code ignored;
        socket_.close(ignored);
        return;
      }
      return fail("write: " + tls_error(ssl_.get(), r));
    }
    // OpenSSL wants the same bytes again (or more after them) once the socket can take them.
    writing_ = true;
    return await(code == SSL_ERROR_WANT_READ ? Want::read : Want::write, &BenchClient::flush);
  }
  if (closing_) {
    SSL_shutdown(ssl_.get());  // close_notify, not waiting for the server's
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
}

void BenchClient::close() {
  if (step_ == Step::closed) return;
  const bool open_websocket = step_ >= Step::welcome;
  step_ = Step::closed;
  ready_ = false;
  setup_deadline_.cancel();
  if (!open_websocket) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    return;
  }
  closing_ = true;
  queue_frame(Opcode::close, server::websocket::close_payload(1000, ""));
  if (!writing_) flush();
}

}  // namespace musubi::bench
