#pragma once

#include <cerrno>
#include <cstddef>

#include <boost/system/error_code.hpp>

namespace musubi::server {

// What a non-blocking TLS step needs before it can go on.
enum class TlsWant { nothing, read, write };

// The outcome of one non-blocking TLS step: bytes moved, or what to wait for, or an error.
struct TlsStep {
  std::size_t bytes = 0;
  TlsWant want = TlsWant::nothing;
  boost::system::error_code error;
  // Reads only: the socket's last read came back short and nothing decrypted is held back, so
  // another read now would only find the socket empty: wait for it to be readable instead.
  bool drained = false;
};

// Whether a failed send or recv on a non-blocking socket, with error `code`, only has to wait
// (or was interrupted).
inline bool would_block(int code = errno) {
  return code == EAGAIN || code == EWOULDBLOCK || code == EINTR;
}

}  // namespace musubi::server
