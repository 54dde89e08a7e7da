// Fuzz target: what a client sends once TlsRecords has taken its TLS 1.3 connection over, on a
// real (Unix) socket pair. The client's end is a second TlsRecords with the secrets mirrored, so
// the fuzzer can send records that decrypt, with any inner content: application data, alerts,
// KeyUpdates, padding, empty or oversized contents, as well as raw bytes that are not records.
// The server's end reads them with buffers of every size, and writes, which the client's end
// reads back. It must never hand on bytes the client did not send as application data, in that
// order, and what it writes (with the KeyUpdates it owes) must decrypt to what was written.
//
// Input: one byte for the suite, then operations, each a byte `op` and a byte `n`:
//   op % 4 == 0  send the next n bytes raw
//   op % 4 == 1  seal the next n bytes as one record's inner plaintext (content, type, padding)
//                and send it; with op & 4, in two parts, the server reading in between
//   op % 4 == 2  the server reads, into a buffer of n + 1 bytes
//   op % 4 == 3  the server writes the next n bytes; the client's end reads them. With op & 4,
//                staged (TlsRecords::stage) and sent by hand: (op >> 3) * 8 bytes of the record
//                at first (0: EAGAIN), the rest by the next write
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

#include "server/tls_records.hpp"

namespace musubi::server {

struct TlsRecordsTestAccess {
  // Both ends of a connection with made-up secrets.
  static void start(TlsRecords& server, TlsRecords& client, std::uint8_t suite) {
    server.suite_ = client.suite_ = static_cast<TlsRecords::Suite>(suite % 3);
    const std::size_t size = server.secret_size();
    for (std::size_t i = 0; i < size; ++i) {
      server.read_.secret.at(i) = client.write_.secret.at(i) = static_cast<unsigned char>(i);
      server.write_.secret.at(i) = client.read_.secret.at(i) = static_cast<unsigned char>(~i);
    }
    if (!server.derive_keys(server.read_) || !server.derive_keys(server.write_) ||
        !client.derive_keys(client.read_) || !client.derive_keys(client.write_)) {
      std::abort();
    }
    server.active_ = client.active_ = true;
  }

  static std::size_t seal(TlsRecords& records, unsigned char* out, std::uint8_t type,
                          const unsigned char* data, std::size_t size) {
    return records.seal(out, type, data, size);
  }
};

}  // namespace musubi::server

namespace {

using musubi::server::TlsRecords;
using musubi::server::TlsRecordsTestAccess;
using musubi::server::TlsWant;

class Connection {
 public:
  Connection() {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds_.data()) != 0) {
      std::abort();
    }
  }
  ~Connection() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int client() const { return fds_[0]; }
  int server() const { return fds_[1]; }

 private:
  std::array<int, 2> fds_{};
};

void send_all(int fd, const unsigned char* data, std::size_t size) {
  // Inputs are small: the socket pair's buffer takes them whole.
  if (size > 0 && ::send(fd, data, size, MSG_NOSIGNAL) != static_cast<ssize_t>(size)) std::abort();
}

// The application data the client sent that the server must hand on, and how much it has.
struct Expected {
  std::string sent;
  std::size_t delivered = 0;
};

// One server read; false once the connection is over.
bool server_reads(TlsRecords& server, int fd, std::size_t size, Expected& expected) {
  std::string buffer(size, '\0');
  const auto step = server.read(fd, buffer.data(), buffer.size());
  if (step.error) return false;
  if (step.want != TlsWant::nothing) return true;
  if (step.bytes == 0 || step.bytes > size) std::abort();
  if (expected.sent.compare(expected.delivered, step.bytes, buffer.data(), step.bytes) != 0) {
    std::abort();  // bytes the client did not send, or out of order
  }
  expected.delivered += step.bytes;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Connection connection;
  TlsRecords server;
  TlsRecords client;
  TlsRecordsTestAccess::start(server, client, data[0]);
  server.limit_records_per_key(4);  // so that its own KeyUpdates come up
  Expected expected;
  std::array<unsigned char, std::size_t{2} * 1024> sealed{};
  std::size_t at = 1;
  bool open = true;
  while (open && size - at >= 2) {
    const std::uint8_t op = data[at];
    const std::size_t n = std::min<std::size_t>(data[at + 1], size - at - 2);
    const unsigned char* bytes = data + at + 2;
    at += 2;
    switch (op % 4) {
      case 0:
        send_all(connection.client(), bytes, n);
        at += n;
        break;
      case 1: {
        at += n;
        // The inner plaintext is `bytes` exactly: its last byte is sealed as the type.
        const std::uint8_t type = n > 0 ? bytes[n - 1] : 0;
        const std::size_t record =
            TlsRecordsTestAccess::seal(client, sealed.data(), type, bytes, n > 0 ? n - 1 : 0);
        if (record == 0) std::abort();
        // The server strips the padding (zeros) and takes the last other byte as the type.
        std::size_t inner = n;
        while (inner > 0 && bytes[inner - 1] == 0)
          --inner;
        if (inner > 0 && bytes[inner - 1] == 23) {
          expected.sent.append(reinterpret_cast<const char*>(bytes), inner - 1);
        }
        const std::size_t first = (op & 4) != 0 ? (op >> 3) % record : record;
        send_all(connection.client(), sealed.data(), first);
        if (first < record) {
          open = server_reads(server, connection.server(), 64, expected);
          send_all(connection.client(), sealed.data() + first, record - first);
        }
        break;
      }
      case 2: open = server_reads(server, connection.server(), n + 1, expected); break;
      case 3: {
        at += n;
        musubi::server::TlsStep step;
        if ((op & 4) != 0 && n > 0 && server.can_stage()) {
          // Through a batch's send: the record staged, then all of it sent, part of it, or
          // nothing (EAGAIN); a record left in part is finished by the next write.
          const auto staged = server.stage(bytes, n);
          const std::string_view record = staged.record;
          if (staged.plaintext != n || server.can_stage()) std::abort();
          const std::size_t part =
              std::min<std::size_t>(record.size(), static_cast<std::size_t>(op >> 3) * 8);
          send_all(connection.server(), reinterpret_cast<const unsigned char*>(record.data()),
                   part);
          step = server.staged_sent(part == 0 ? -EAGAIN : static_cast<long>(part),
                                    record.substr(part), n);
          if (part < record.size()) {
            if (step.want != TlsWant::write) std::abort();
            step = server.write(connection.server(), "x", 1);  // the rest, counting the record's
          }
        } else {
          step = server.write(connection.server(), bytes, n);
        }
        if (step.error) {
          open = false;
          break;
        }
        if (step.want != TlsWant::nothing || step.bytes != n) std::abort();  // room enough
        std::string back(n + 1, '\0');
        std::size_t got = 0;
        while (got < n) {
          const auto read = client.read(connection.client(), back.data() + got, back.size() - got);
          if (read.error || read.want != TlsWant::nothing) std::abort();
          got += read.bytes;
        }
        if (n > 0 && std::memcmp(back.data(), bytes, n) != 0) std::abort();
        break;
      }
    }
  }
  // Whatever is left: read until the server has nothing more or the connection is over.
  while (open) {
    std::array<char, 4096> buffer{};
    const auto step = server.read(connection.server(), buffer.data(), buffer.size());
    if (step.error || step.want != TlsWant::nothing) break;
    if (expected.sent.compare(expected.delivered, step.bytes, buffer.data(), step.bytes) != 0) {
      std::abort();
    }
    expected.delivered += step.bytes;
  }
  return 0;
}
