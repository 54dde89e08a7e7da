#include "server/socket_bio.hpp"

#include <cstddef>
#include <cstdint>
#include <sys/socket.h>

#include <openssl/bio.h>

#include "server/tls_step.hpp"

namespace musubi::server {

namespace {

// The data word: descriptor << 1 | drained.
int descriptor(BIO* bio) {
  return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)) >> 1);
}

void set_state(BIO* bio, int descriptor, bool drained) {
  const auto word = (static_cast<std::intptr_t>(descriptor) << 1) | (drained ? 1 : 0);
  BIO_set_data(bio, reinterpret_cast<void*>(word));  // NOLINT(performance-no-int-to-ptr): a number
}

int socket_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const auto n = ::send(descriptor(bio), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && would_block()) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int socket_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const auto n = ::recv(descriptor(bio), data, static_cast<std::size_t>(size), 0);
  // A stream socket that returns less than asked for had no more queued at that moment.
  set_state(bio, descriptor(bio), n > 0 && n < size);
  if (n < 0 && would_block()) BIO_set_retry_read(bio);
  return static_cast<int>(n);
}

long socket_ctrl(BIO* bio, int command, long, void* pointer) {
  switch (command) {
    case BIO_C_GET_FD:
      if (pointer != nullptr) *static_cast<int*>(pointer) = descriptor(bio);
      return descriptor(bio);
    case BIO_CTRL_FLUSH: return 1;
    default: return 0;
  }
}

BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "musubi socket");
    BIO_meth_set_write(m, socket_write);
    BIO_meth_set_read(m, socket_read);
    BIO_meth_set_ctrl(m, socket_ctrl);
    BIO_meth_set_create(m, [](BIO* bio) {
      BIO_set_init(bio, 1);
      return 1;
    });
    return m;
  }();
  return method;
}

}  // namespace

BIO* new_socket_bio(int descriptor) {
  BIO* bio = BIO_new(socket_method());
  if (bio != nullptr) set_state(bio, descriptor, false);
  return bio;
}

bool socket_bio_drained(BIO* bio) {
  return (reinterpret_cast<std::intptr_t>(BIO_get_data(bio)) & 1) != 0;
}

}  // namespace musubi::server
