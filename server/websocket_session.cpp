#include "server/websocket_session.hpp"

#include <algorithm>
#include <cstring>
#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>

#include "musubi_version.hpp"
#include "protocol/envelope.hpp"
#include "server/log.hpp"
#include "server/websocket/frame_header.hpp"
#include "server/websocket/handshake.hpp"

namespace musubi::server {

namespace http = boost::beast::http;
using websocket::Opcode;

namespace {

constexpr std::size_t kKiB = 1024;

// One TLS record's worth of plaintext: what one write offers.
constexpr std::size_t kRecordBytes = 16 * kKiB;
// What one turn reads from a socket before letting other connections run.
constexpr std::size_t kReadBudget = 256 * kKiB;
// A partial-frame buffer larger than this is released once empty.
constexpr std::size_t kKeptReceiveCapacity = 4 * kKiB;

// Per network thread: the buffers a read or a write fills and hands on within one call.
constexpr std::size_t kReadBufferBytes = 64 * kKiB;
char* read_buffer() {
  thread_local std::array<char, kReadBufferBytes> buffer;
  return buffer.data();
}

char* record_buffer() {
  thread_local std::array<char, kRecordBytes> buffer;
  return buffer.data();
}

std::chrono::seconds half_idle(const ServerConfig& config) {
  return std::chrono::seconds(std::max(1, config.timeouts.websocket_idle_seconds / 2));
}

}  // namespace

WebSocketSession::WebSocketSession(TlsSocket&& tls, Services& services, LiveSockets& live,
                                   ConnectionsPerAddress::Slot slot, std::string peer)
    : tls_(std::move(tls)),
      timer_(tls_.get_executor()),
      services_(services),
      live_(live),
      slot_(std::move(slot)),
      reader_(services.config.limits.max_frame_bytes),
      connection_(services, *this, std::move(peer)) {}

WebSocketSession::~WebSocketSession() {
  live_.remove(this);
}

void WebSocketSession::run(const HttpRequest& request, std::string_view received) {
  live_.add(this, weak_from_this());
  push_raw(std::make_shared<const std::string>(
      websocket::upgrade_response(request[http::field::sec_websocket_key], protocol::kSubprotocol,
                                  std::string("musubid/") + kVersion)));
  connection_.on_open();
  arm_timer(half_idle(services_.config));
  received_.assign(received);
  parse_received();
  if (!reading_stopped_) read();
}

// --- Sending ---------------------------------------------------------------------------------

void WebSocketSession::send(Frame frame) {
  if (closing_ || finished_) return;
  if (queued_bytes_ + frame->size() > services_.config.limits.send_queue_bytes) {
    // The client reads slower than its rooms move. Drop what it has not been sent (it resumes
    // from its last seq) and tell it why.
    drop_unsent();
    MUSUBI_LOG(info) << "websocket: closing slow consumer";
    return close(protocol::close_code::slow_consumer, "send queue full: resume from your last seq");
  }
  push(Opcode::text, std::move(frame));
}

void WebSocketSession::push(Opcode opcode, Frame payload) {
  Outgoing out;
  out.opcode = opcode;
  out.header_size =
      static_cast<std::uint8_t>(websocket::encode_header(opcode, payload->size(), out.header));
  out.payload = std::move(payload);
  enqueue(std::move(out));
}

void WebSocketSession::push_raw(Frame bytes) {
  Outgoing out;
  out.payload = std::move(bytes);
  enqueue(std::move(out));
}

void WebSocketSession::answer_ping(std::string_view payload) {
  auto pong = std::make_shared<const std::string>(payload);
  // RFC 6455 §5.5.3: a pong may answer only the latest of several pings. So a pong still waiting
  // at the back of the queue, none of it offered to a write, is replaced: a flood of pings from a
  // client that does not read queues one pong, not one per ping.
  if (!queue_.empty() && queue_.back().opcode == Opcode::pong &&
      queued_bytes_ >= queue_.back().size() + offered_) {
    Outgoing& waiting = queue_.back();
    queued_bytes_ -= waiting.size();
    waiting.header_size = static_cast<std::uint8_t>(
        websocket::encode_header(Opcode::pong, pong->size(), waiting.header));
    waiting.payload = std::move(pong);
    queued_bytes_ += waiting.size();
    return;
  }
  push(Opcode::pong, std::move(pong));
}

void WebSocketSession::enqueue(Outgoing out) {
  queued_bytes_ += out.size();
  queue_.push_back(std::move(out));
  schedule_flush();
}

void WebSocketSession::schedule_flush() {
  // Whatever else this turn of the event loop queues goes out in the same write.
  if (flush_scheduled_ || offered_ != 0 || finished_) return;
  flush_scheduled_ = true;
  services_.sends.write_later(shared_from_this());
}

void WebSocketSession::write_queued() {
  flush_scheduled_ = false;
  flush();
}

std::size_t WebSocketSession::gather(char* out, std::size_t capacity) const {
  std::size_t size = 0;
  std::size_t skip = sent_;
  for (const auto& frame : queue_) {
    if (size == capacity) break;
    const auto take = [&](const char* data, std::size_t n) {
      if (skip >= n) {
        skip -= n;
        return;
      }
      data += skip;
      n -= skip;
      skip = 0;
      n = std::min(n, capacity - size);
      std::memcpy(out + size, data, n);
      size += n;
    };
    take(frame.header.data(), frame.header_size);
    take(frame.payload->data(), frame.payload->size());
  }
  return size;
}

void WebSocketSession::consume_sent(std::size_t bytes) {
  queued_bytes_ -= bytes;
  bytes += sent_;
  std::size_t done = 0;
  while (done < queue_.size() && bytes >= queue_[done].size()) {
    bytes -= queue_[done].size();
    ++done;
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(done));
  sent_ = bytes;
  if (queue_.empty() && queue_.capacity() > 64) std::vector<Outgoing>().swap(queue_);
}

void WebSocketSession::drop_unsent() {
  // What must stay, counted from the start of the front frame: the bytes a pending write offered
  // (they must be offered again), or else the rest of a frame already partly written (the stream
  // must stay well formed).
  const std::size_t must = offered_ != 0 ? sent_ + offered_ : (sent_ != 0 ? sent_ + 1 : 0);
  std::size_t keep = 0;
  for (std::size_t kept_bytes = 0; keep < queue_.size() && kept_bytes < must; ++keep) {
    kept_bytes += queue_[keep].size();
  }
  for (std::size_t i = keep; i < queue_.size(); ++i)
    queued_bytes_ -= queue_[i].size();
  queue_.resize(keep);
}

void WebSocketSession::flush() {
  if (finished_) return;
  while (!queue_.empty()) {
    char* out = record_buffer();
    const std::size_t size = gather(out, kRecordBytes);
    if (tls_.can_stage()) return stage(out, size);
    const auto step = tls_.write_some(out, size);
    if (step.want != TlsSocket::Want::nothing) {
      offered_ = size;
      return flush_when(step.want);
    }
    if (step.error) return finish();
    consume_sent(step.bytes);
  }
  if (closing_ && reading_stopped_) return failed_ ? linger() : finish();
  connection_.on_write_complete();
}

void WebSocketSession::flush_when(TlsSocket::Want want) {
  tls_.async_wait(want, [self = shared_from_this()](boost::system::error_code ec) {
    self->offered_ = 0;
    if (ec) return self->finish();
    self->flush();
  });
}

void WebSocketSession::stage(const char* data, std::size_t size) {
  const auto staged = tls_.stage(data, size);
  if (staged.record.empty()) return finish();
  offered_ = staged.plaintext;
  staged_ = true;
  services_.sends.add(tls_.socket().native_handle(), staged.record, shared_from_this());
}

void WebSocketSession::sent(long result, std::string_view unsent) {
  const auto step = tls_.staged_sent(result, unsent, offered_);
  staged_ = false;
  if (finished_) {
    // finish() left the socket open for this send; its descriptor may be reused now.
    boost::system::error_code ignored;
    tls_.socket().close(ignored);
    return;
  }
  if (step.want != TlsSocket::Want::nothing) {
    // The socket took part of the record, or none: TlsRecords keeps the rest for the next write.
    return flush_when(step.want);
  }
  offered_ = 0;
  if (step.error) return finish();
  consume_sent(step.bytes);
  flush();
}

void WebSocketSession::close(unsigned short code, std::string reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  push(Opcode::close, std::make_shared<const std::string>(websocket::close_payload(code, reason)));
  // Queued frames and the close handshake get a bounded time: a client that stopped reading or
  // never answers the close must not hold the socket forever.
  arm_timer(std::chrono::seconds(services_.config.timeouts.close_seconds));
}

void WebSocketSession::shut_down() {
  boost::asio::dispatch(executor(), [self = shared_from_this()] {
    self->close(protocol::close_code::going_away, "server shutting down");
  });
}

// --- Receiving -------------------------------------------------------------------------------

void WebSocketSession::read() {
  std::size_t budget = kReadBudget;
  while (!reading_stopped_ && !finished_) {
    if (budget == 0) {
      // Fair to the other connections: go on in a later turn.
      return boost::asio::post(executor(), [self = shared_from_this()] { self->read(); });
    }
    char* buffer = read_buffer();
    const auto step = tls_.read_some(buffer, kReadBufferBytes);
    if (step.want != TlsSocket::Want::nothing) return read_when(step.want);
    if (step.error) return finish();  // the peer left without a close frame, or TLS failed
    active_ = true;
    budget -= std::min(budget, step.bytes);
    if (received_.empty()) {
      // The common case: whole frames, parsed where they were read.
      const auto result = reader_.read(buffer, step.bytes, *this);
      if (result.failure) return fail(result.failure->close_code, result.failure->reason);
      if (result.stopped) return;
      received_.assign(buffer + result.consumed, step.bytes - result.consumed);
    } else {
      received_.append(buffer, step.bytes);
      parse_received();
    }
    // Waiting now saves a read that would only find the socket empty.
    if (step.drained) {
      if (!reading_stopped_ && !finished_) read_when(TlsSocket::Want::read);
      return;
    }
  }
}

void WebSocketSession::read_when(TlsSocket::Want want) {
  tls_.async_wait(want, [self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return self->finish();
    self->read();
  });
}

void WebSocketSession::parse_received() {
  if (received_.empty()) return;
  const auto result = reader_.read(received_.data(), received_.size(), *this);
  if (result.failure) return fail(result.failure->close_code, result.failure->reason);
  received_.erase(0, result.consumed);
  if (received_.empty() && received_.capacity() > kKeptReceiveCapacity) {
    std::string().swap(received_);
  }
}

bool WebSocketSession::on_message(const websocket::Message& message) {
  switch (message.opcode) {
    case Opcode::text:
    case Opcode::binary:
      // Once closing, requests are no longer carried out.
      if (!closing_) connection_.on_frame(message.opcode == Opcode::text, message.payload);
      return !finished_;
    case Opcode::ping:
      if (!closing_) answer_ping(message.payload);
      return true;
    case Opcode::pong: ping_sent_ = false; return true;
    case Opcode::close: on_peer_close(message.payload); return false;
    case Opcode::continuation: break;
  }
  return true;
}

void WebSocketSession::on_peer_close(std::string_view payload) {
  reading_stopped_ = true;
  if (closing_) return finish();  // the answer to our close: the handshake is complete
  // Echo the peer's code, then close the connection once it is written.
  const std::uint16_t code =
      payload.size() >= 2
          ? static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                       static_cast<unsigned char>(payload[1]))
          : std::uint16_t{1000};
  close(code, "");
}

void WebSocketSession::fail(std::uint16_t code, std::string_view reason) {
  reading_stopped_ = true;
  received_.clear();
  if (closing_) return finish();
  failed_ = true;
  close(code, std::string(reason));
}

void WebSocketSession::linger() {
  // Closing with the rest of a bad frame unread would make the kernel send a reset, which can
  // discard the close frame before the peer has it: half-close, drain, then close.
  if (lingering_) return;
  lingering_ = true;
  boost::system::error_code ignored;
  tls_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  discard();
}

void WebSocketSession::discard() {
  // Raw bytes: nothing more is decrypted. The close deadline (close()) bounds the whole drain.
  std::size_t budget = kReadBudget;
  while (!finished_) {
    if (budget == 0) {
      return boost::asio::post(executor(), [self = shared_from_this()] { self->discard(); });
    }
    const auto n = ::recv(tls_.socket().native_handle(), read_buffer(), kReadBufferBytes, 0);
    if (n > 0) {
      budget -= std::min(budget, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && would_block()) {
      return tls_.async_wait(TlsSocket::Want::read,
                             [self = shared_from_this()](boost::system::error_code ec) {
                               if (ec) return self->finish();
                               self->discard();
                             });
    }
    return finish();  // the peer's end of stream, or an error
  }
}

// --- Timers and the end ----------------------------------------------------------------------

void WebSocketSession::arm_timer(std::chrono::steady_clock::duration after) {
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    // A tick that had already expired when expires_after re-armed the timer (close() does)
    // cannot be cancelled: its completion comes anyway, before the new expiry, and is stale.
    if (ec || self->timer_.expiry() > std::chrono::steady_clock::now()) return;
    self->on_timer();
  });
}

void WebSocketSession::on_timer() {
  if (finished_) return;
  if (closing_) return finish();  // the close deadline
  if (active_) {
    active_ = false;
    ping_sent_ = false;
  } else if (!ping_sent_) {
    // Quiet for half the idle timeout: ask whether the client is still there.
    ping_sent_ = true;
    push(Opcode::ping, std::make_shared<const std::string>());
  } else {
    return finish();  // no answer for the whole idle timeout
  }
  arm_timer(half_idle(services_.config));
}

void WebSocketSession::finish() {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  connection_.on_closed();
  queue_.clear();
  // Pending waits complete with errors; the session is freed with the last handler.
  boost::system::error_code ignored;
  tls_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  if (staged_) {
    // The SendBatch still holds this socket's descriptor: closing it now could hand the number to
    // a new connection before that send is made. sent() closes it.
    tls_.socket().cancel(ignored);
    return;
  }
  tls_.socket().close(ignored);
}

}  // namespace musubi::server
