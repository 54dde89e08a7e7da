#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include "server/tls_records.hpp"
#include "server/tls_step.hpp"

namespace musubi::server {

// A server-side TLS connection that OpenSSL reads and writes straight on the socket (non-blocking),
// Asio only reporting readiness. asio::ssl::stream keeps a BIO pair and two record buffers, about
// 68 KiB, for the whole life of a connection. Here OpenSSL runs the handshake; a TLS 1.3
// connection's records are then protected by TlsRecords and the SSL object is freed, so that an
// idle connection holds its keys and nothing else. A TLS 1.2 connection stays with OpenSSL, whose
// record buffers are freed whenever they are empty (SSL_MODE_RELEASE_BUFFERS).
//
// The non-blocking steps (handshake, read_some, write_some, shutdown) are for callers that drive
// their own I/O (the WebSocket session); the async_* members model Asio's AsyncReadStream and
// AsyncWriteStream for Beast's HTTP reads and writes. All calls on the socket's strand.
class TlsSocket {
 public:
  using executor_type = boost::asio::any_io_executor;
  using Want = TlsWant;
  using Step = TlsStep;

  TlsSocket(boost::asio::ip::tcp::socket socket, SSL_CTX* context);
  TlsSocket(TlsSocket&&) noexcept;
  TlsSocket& operator=(TlsSocket&&) = delete;
  ~TlsSocket();

  executor_type get_executor() { return socket_.get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  // Whether musubi protects this connection's records itself (TLS 1.3 after the handshake).
  bool records_taken_over() const { return records_.active(); }
  TlsRecords& records() { return records_; }  // tests: to lower its limits

  Step handshake();
  // Reads decrypted bytes; an orderly close by the peer is boost::asio::error::eof.
  Step read_some(void* data, std::size_t size);
  // Writes at most one TLS record (16 KiB) of `data`. After Want::write, the next call must pass
  // the same bytes again (possibly followed by more, possibly from another address).
  Step write_some(const void* data, std::size_t size);
  // Sends close_notify (does not wait for the peer's).
  Step shutdown();

  // Writing through SendBatch (TlsRecords::stage): only while musubi protects the records and no
  // earlier write is unfinished. stage() seals one record of `data` (a view valid until the next
  // seal on this thread; empty: failed); its send's result must be reported to staged_sent()
  // before any other write.
  bool can_stage() const { return !ssl_ && records_.can_stage(); }
  TlsRecords::Staged stage(const void* data, std::size_t size) {
    return records_.stage(data, size);
  }
  Step staged_sent(long result, std::string_view unsent, std::size_t plaintext) {
    return records_.staged_sent(result, unsent, plaintext);
  }

  // Calls handler(error_code) when the socket is ready for `want`.
  template <class Handler>
  void async_wait(Want want, Handler&& handler) {
    socket_.async_wait(want == Want::write ? boost::asio::socket_base::wait_write
                                           : boost::asio::socket_base::wait_read,
                       std::forward<Handler>(handler));
  }

  template <class Token>
  auto async_handshake(Token&& token) {
    return run([this] { return handshake(); }, std::forward<Token>(token));
  }
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    const auto b = first_buffer<boost::asio::mutable_buffer>(buffers);
    return run([this, b] { return b.size() == 0 ? Step{} : read_some(b.data(), b.size()); },
               std::forward<Token>(token));
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    const auto b = first_buffer<boost::asio::const_buffer>(buffers);
    return run([this, b] { return b.size() == 0 ? Step{} : write_some(b.data(), b.size()); },
               std::forward<Token>(token));
  }
  template <class Token>
  auto async_shutdown(Token&& token) {
    return run([this] { return shutdown(); }, std::forward<Token>(token));
  }

 private:
  struct SslFree {
    void operator()(SSL* ssl) const;
  };

  template <class Buffer, class Sequence>
  static Buffer first_buffer(const Sequence& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      if (Buffer(*it).size() != 0) return Buffer(*it);
    }
    return Buffer();
  }

  // Repeats `step` until it no longer waits. A step that finishes without having waited completes
  // through a post, never inside the initiating call.
  template <class StepFn>
  struct Operation {
    TlsSocket& tls;
    StepFn step;
    bool waited = false;

    template <class Self>
    void operator()(Self& self, boost::system::error_code wait_error = {}) {
      if (wait_error) return self.complete(wait_error, 0);
      Step result;
      if (!tls.socket_.is_open()) {
        // Closed (by a deadline or a shutdown) after the wait had completed: OpenSSL's BIO still
        // holds the descriptor's number, which another connection may have by now.
        result.error = boost::asio::error::operation_aborted;
      } else {
        result = step();
        if (result.want != Want::nothing) {
          waited = true;
          return tls.async_wait(result.want, std::move(self));
        }
      }
      if (waited) return self.complete(result.error, result.bytes);
      auto executor = self.get_executor();
      boost::asio::post(executor, [self = std::move(self), result]() mutable {
        self.complete(result.error, result.bytes);
      });
    }
  };

  template <class StepFn, class Token>
  auto run(StepFn step, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
        Operation<StepFn>{*this, std::move(step)}, token, socket_);
  }

  // The outcome of an SSL call that returned `result` <= 0.
  Step failed(int result);

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<SSL, SslFree> ssl_;  // until TlsRecords takes the connection over
  TlsRecords records_;
};

}  // namespace musubi::server
