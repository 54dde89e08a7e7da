#include "server/tls_socket.hpp"

#include <cerrno>
#include <new>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "server/socket_bio.hpp"

namespace musubi::server {

void TlsSocket::SslFree::operator()(SSL* ssl) const {
  SSL_free(ssl);
}

TlsSocket::TlsSocket(boost::asio::ip::tcp::socket socket, SSL_CTX* context)
    : socket_(std::move(socket)), ssl_(SSL_new(context)) {
  if (!ssl_) throw std::bad_alloc();
  BIO* bio = new_socket_bio(socket_.native_handle());
  if (bio == nullptr) throw std::bad_alloc();
  SSL_set_bio(ssl_.get(), bio, bio);
  SSL_set_accept_state(ssl_.get());
  // No read-ahead during the handshake: OpenSSL must not read past the client's Finished, whose
  // followers are TlsRecords' to read.
  SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                               SSL_MODE_RELEASE_BUFFERS);
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
}

TlsSocket::TlsSocket(TlsSocket&&) noexcept = default;
TlsSocket::~TlsSocket() = default;

TlsSocket::Step TlsSocket::handshake() {
  if (!ssl_) return Step{};
  ERR_clear_error();
  int r = 0;
  {
    const TlsRecords::Capture capture(ssl_.get(), records_);
    r = SSL_do_handshake(ssl_.get());
  }
  if (r != 1) return failed(r);
  if (records_.take_over(ssl_.get())) {
    ssl_.reset();
  } else {
    // Whole records and whatever follows them in one recv, not a header and then a body.
    SSL_set_read_ahead(ssl_.get(), 1);
  }
  return Step{};
}

TlsSocket::Step TlsSocket::read_some(void* data, std::size_t size) {
  if (!ssl_) return records_.read(socket_.native_handle(), data, size);
  ERR_clear_error();
  std::size_t n = 0;
  const int r = SSL_read_ex(ssl_.get(), data, size, &n);
  if (r == 1) {
    return Step{n,
                Want::nothing,
                {},
                socket_bio_drained(SSL_get_rbio(ssl_.get())) && !SSL_has_pending(ssl_.get())};
  }
  return failed(r);
}

TlsSocket::Step TlsSocket::write_some(const void* data, std::size_t size) {
  if (!ssl_) return records_.write(socket_.native_handle(), data, size);
  ERR_clear_error();
  std::size_t n = 0;
  const int r = SSL_write_ex(ssl_.get(), data, size, &n);
  if (r == 1) return Step{n, Want::nothing, {}};
  return failed(r);
}

TlsSocket::Step TlsSocket::shutdown() {
  if (!ssl_) return records_.close_notify(socket_.native_handle());
  ERR_clear_error();
  const int r = SSL_shutdown(ssl_.get());
  if (r >= 0) return Step{};  // close_notify sent (0: the peer's not yet received; not awaited)
  return failed(r);
}

TlsSocket::Step TlsSocket::failed(int result) {
  namespace error = boost::asio::error;
  const int code = SSL_get_error(ssl_.get(), result);
  const int saved_errno = errno;
  Step step;
  switch (code) {
    case SSL_ERROR_WANT_READ: step.want = Want::read; break;
    case SSL_ERROR_WANT_WRITE: step.want = Want::write; break;
    case SSL_ERROR_ZERO_RETURN: step.error = error::eof; break;
    case SSL_ERROR_SYSCALL:
      // No OpenSSL error: the socket's own (or a bare end of stream).
      step.error = saved_errno != 0
                       ? boost::system::error_code(saved_errno, boost::system::system_category())
                       : boost::system::error_code(boost::asio::ssl::error::stream_truncated);
      break;
    default: {
      const unsigned long e = ERR_get_error();
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        step.error = boost::asio::ssl::error::stream_truncated;
      } else {
        step.error = boost::system::error_code(static_cast<int>(e), error::get_ssl_category());
      }
      break;
    }
  }
  ERR_clear_error();
  return step;
}

}  // namespace musubi::server
