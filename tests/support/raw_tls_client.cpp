#include "tests/support/raw_tls_client.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/err.h>

#include "tests/support/test_server.hpp"

namespace musubi::testing {

namespace {

// The reason and text of OpenSSL's last error.
void record_error(TlsHandshake& h) {
  const unsigned long error = ERR_peek_last_error();
  h.error_reason = ERR_GET_REASON(error);
  char text[256];
  ERR_error_string_n(error, text, sizeof text);
  h.error = text;
}

}  // namespace

RawTlsClient::RawTlsClient(unsigned short port, const TlsOffer& offer) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx_, 0);
  SSL_CTX_set_min_proto_version(ctx_, offer.min_version);
  SSL_CTX_set_max_proto_version(ctx_, offer.max_version);
  if (!offer.ciphers.empty() &&
      SSL_CTX_set_cipher_list(ctx_, (offer.ciphers + ":@SECLEVEL=0").c_str()) != 1) {
    ADD_FAILURE() << "this OpenSSL cannot offer " << offer.ciphers;
    return;
  }
  if (!offer.tls13_suites.empty() &&
      SSL_CTX_set_ciphersuites(ctx_, offer.tls13_suites.c_str()) != 1) {
    ADD_FAILURE() << "this OpenSSL cannot offer " << offer.tls13_suites;
    return;
  }
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);

  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    ADD_FAILURE() << "no socket";
    return;
  }
  // The deadline: a server that never answers fails the test instead of hanging it.
  const auto wait = std::chrono::duration_cast<std::chrono::seconds>(kWait).count();
  const timeval deadline{static_cast<time_t>(wait), 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &deadline, sizeof deadline);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    return;
  }

  ssl_ = SSL_new(ctx_);
  SSL_set_msg_callback(ssl_, on_message);
  SSL_set_msg_callback_arg(ssl_, this);
  SSL_set_fd(ssl_, fd_);
  SSL_set_tlsext_host_name(ssl_, "localhost");
  ERR_clear_error();
  if (SSL_connect(ssl_) != 1) {
    record_error(handshake_);
    return;
  }
  handshake_.established = true;
  handshake_.version = SSL_get_version(ssl_);
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  handshake_.cipher = SSL_CIPHER_get_name(cipher);
  handshake_.aead = SSL_CIPHER_is_aead(cipher) == 1;
  handshake_.key_exchange = SSL_CIPHER_get_kx_nid(cipher);
}

RawTlsClient::~RawTlsClient() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool RawTlsClient::write(std::string_view bytes) {
  if (!handshake_.established) return false;
  // OpenSSL writes with write(2): a server that has closed the connection would raise SIGPIPE
  // and end the test process. Blocked here, and taken back if it came.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  sigset_t before;
  pthread_sigmask(SIG_BLOCK, &pipe, &before);
  bool ok = true;
  while (ok && !bytes.empty()) {
    const int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
    ok = n > 0;
    if (ok) bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  const timespec now{0, 0};
  while (sigtimedwait(&pipe, nullptr, &now) == SIGPIPE) {
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  return ok;
}

std::optional<std::string> RawTlsClient::read() {
  if (!handshake_.established) return "";
  char buffer[16 * 1024];
  errno = 0;
  const int n = SSL_read(ssl_, buffer, sizeof buffer);
  if (n > 0) return std::string(buffer, static_cast<std::size_t>(n));
  const int error = SSL_get_error(ssl_, n);
  // SO_RCVTIMEO ran out: the socket BIO reports EAGAIN as a read to retry.
  const bool timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
  if (timed_out && (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_SYSCALL))
    return std::nullopt;
  return "";
}

void RawTlsClient::on_message(int write_p, int, int content_type, const void* buf, std::size_t len,
                              SSL*, void* arg) {
  auto& client = *static_cast<RawTlsClient*>(arg);
  const auto* bytes = static_cast<const unsigned char*>(buf);
  if (write_p != 0 || len == 0) return;
  if (content_type == SSL3_RT_HANDSHAKE && bytes[0] == SSL3_MT_KEY_UPDATE) {
    ++client.key_updates_received_;
  }
  if (content_type == SSL3_RT_ALERT && len == 2) client.alert_received_ = bytes[1];
}

bool RawTlsClient::write_raw(std::string_view bytes) const {
  if (fd_ < 0) return false;
  return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
         static_cast<ssize_t>(bytes.size());
}

bool RawTlsClient::request_key_update() {
  return handshake_.established && SSL_key_update(ssl_, SSL_KEY_UPDATE_REQUESTED) == 1;
}

void RawTlsClient::shut_down() {
  if (handshake_.established) SSL_shutdown(ssl_);
}

bool RawTlsClient::received_close_notify() const {
  return ssl_ != nullptr && (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) != 0;
}

}  // namespace musubi::testing
