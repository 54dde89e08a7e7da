#pragma once

#include <openssl/types.h>

namespace musubi::server {

// An OpenSSL BIO on a non-blocking socket that writes with MSG_NOSIGNAL: OpenSSL's own socket BIO
// uses write(2), which raises SIGPIPE when the peer has gone, and a library must not depend on the
// process ignoring it. It also remembers whether the last read drained the socket. Both live in
// the BIO's data word: nothing is allocated per connection beyond the BIO. Returns nullptr when
// out of memory; the socket stays the caller's to close.
BIO* new_socket_bio(int descriptor);

// Whether the BIO's last read came back short: the socket had nothing more queued then, so
// another read now would only find it empty.
bool socket_bio_drained(BIO* bio);

}  // namespace musubi::server
