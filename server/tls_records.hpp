#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/tls_step.hpp"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace musubi::server {

// TLS 1.3's record protection (RFC 8446 §5) for a connection whose handshake OpenSSL has
// finished, the way kernel TLS takes a connection over from OpenSSL. An established connection's
// state is its two traffic secrets, keys, IVs and sequence numbers, about 200 bytes; OpenSSL's
// SSL object keeps about 12 KiB per connection for as long as it lives, most of it for the
// handshake and for features musubi does not use. With tens of thousands of mostly idle
// connections, that is most of the server's memory.
//
// The AEADs are OpenSSL's (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, through EVP); what is
// ours is the framing: records, nonces, the inner content type, alerts and KeyUpdate. The
// secrets come from OpenSSL's keylog callback, never leave this object and are cleansed with it.
class TlsRecords {
 public:
  // Sends a KeyUpdate of our own before this many records under one key: well inside the safety
  // margin RFC 8446 §5.5 asks for AES-GCM (2^24.5 full-size records).
  static constexpr std::uint64_t kRecordsPerKey = std::uint64_t{1} << 23;
  // The KeyUpdates a peer may send on one connection: legitimate clients need one after millions
  // of records; a flood of them is refused (each costs the server three HMACs).
  static constexpr std::uint32_t kPeerKeyUpdates = 64;

  // Has every handshake on `context` offer its traffic secrets to the Capture running it.
  static void capture_secrets(SSL_CTX* context);

  // While it lives, the traffic secrets of the handshake steps run on `ssl` in this thread are
  // kept in `records`.
  class Capture {
   public:
    Capture(const SSL* ssl, TlsRecords& records);
    ~Capture();
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

   private:
    const SSL* previous_ssl_;
    TlsRecords* previous_records_;
  };

  TlsRecords() = default;
  TlsRecords(TlsRecords&& other) noexcept;
  TlsRecords& operator=(TlsRecords&&) = delete;
  ~TlsRecords();

  // Takes over the records of `ssl`, whose handshake has just finished: true when it is TLS 1.3
  // with one of the three AEAD suites, both application secrets were captured and OpenSSL holds
  // no bytes read past the handshake. `ssl` may then be freed.
  bool take_over(const SSL* ssl);
  bool active() const { return active_; }

  // The same contract as TlsSocket's read_some, write_some and shutdown, on socket `fd`.
  TlsStep read(int fd, void* data, std::size_t size);
  TlsStep write(int fd, const void* data, std::size_t size);
  TlsStep close_notify(int fd);

  // Writing through a send made elsewhere (SendBatch): stage() seals one record of `data` into
  // this thread's seal buffer; the view is valid until the next record is sealed on this thread.
  // Its send must then be reported to staged_sent() (bytes sent, or minus errno, and the bytes
  // not sent) before any other write. A record the socket took in part is finished by the next
  // write(), as after a partial send there.
  struct Staged {
    std::string_view record;    // empty: failed
    std::size_t plaintext = 0;  // the bytes of `data` it carries
  };
  bool can_stage() const { return active_ && !unsent_ && !staged_ && !error_ && !close_sent_; }
  Staged stage(const void* data, std::size_t size);
  TlsStep staged_sent(long result, std::string_view unsent, std::size_t plaintext);

  // Tests: a smaller number of records per key, to see the KeyUpdate it sets off.
  void limit_records_per_key(std::uint64_t records) { records_per_key_ = records; }

 private:
  friend struct TlsRecordsTestAccess;  // the fuzz target: both ends of a made-up connection

  enum class Suite : std::uint8_t { aes_128_gcm, aes_256_gcm, chacha20_poly1305 };
  static constexpr std::size_t kMaxSecret = 48;  // SHA-384
  struct Direction {
    std::array<unsigned char, kMaxSecret> secret{};
    std::array<unsigned char, 32> key{};
    std::array<unsigned char, 12> iv{};
    std::uint64_t sequence = 0;
  };
  // What a read holds back for the next one: decrypted bytes the caller had no room for, and
  // the start of a record not yet whole. Allocated only while there is any.
  struct Received {
    std::string plain;
    std::size_t plain_taken = 0;
    std::string cipher;
  };
  // A record the socket did not take whole, and how many of the caller's bytes it carries.
  struct Unsent {
    std::string bytes;
    std::size_t plaintext = 0;
  };

  static constexpr std::uint8_t kNoAlert = 255;
  // What open_records made of the whole records at the front of a read.
  struct Opened {
    std::size_t used = 0;   // bytes of the records taken
    std::size_t plain = 0;  // bytes of application data, moved to the front
    std::uint8_t alert = kNoAlert;
    boost::system::error_code error;
    Opened& failed(std::uint8_t alert_to_send) {
      alert = alert_to_send;
      error = make_error_code(boost::system::errc::protocol_error);
      return *this;
    }
  };

  void note_secret(std::string_view line);
  bool can_take_over(const SSL* ssl);  // sets the suite
  void wipe_keys();
  std::size_t secret_size() const;
  bool derive_keys(Direction& direction) const;
  bool next_secret(Direction& direction) const;
  // Protects one record of `type` into `out`; its size, or 0 if OpenSSL failed.
  std::size_t seal(unsigned char* out, std::uint8_t type, const void* data, std::size_t size);
  using AlertRecord = std::array<unsigned char, 32>;  // header, 2 bytes, type, tag: 24
  std::size_t seal_alert(AlertRecord& out, std::uint8_t level, std::uint8_t description);
  bool open(unsigned char* record, std::size_t body_size);
  Opened open_records(unsigned char* bytes, std::size_t size);
  TlsStep deliver(const unsigned char* bytes, const Opened& opened, std::size_t held, void* data,
                  std::size_t size, bool drained);
  // Seals a KeyUpdate when one is due, then one record of `data`, into `out` (2 records long):
  // their size, or 0 on a failure (in error_). `plaintext` is set to the bytes of `data` taken.
  std::size_t seal_next(unsigned char* out, const void* data, std::size_t size,
                        std::size_t& plaintext);
  TlsStep send_record(int fd, const unsigned char* bytes, std::size_t size, std::size_t plaintext);
  // After a record was sent but for `unsent`: keeps that for the next write.
  TlsStep keep_unsent(std::string_view unsent, std::size_t plaintext);
  TlsStep send_unsent(int fd);
  // What the socket takes now: the bytes sent (0 if none), or nullopt on an error (in error_).
  std::optional<std::size_t> send_some(int fd, const void* bytes, std::size_t size);
  TlsStep fail(int fd, std::uint8_t alert, boost::system::error_code error);

  Direction read_;
  Direction write_;
  std::unique_ptr<Received> received_;
  std::unique_ptr<Unsent> unsent_;
  std::uint64_t records_per_key_ = kRecordsPerKey;
  std::uint32_t peer_key_updates_ = 0;
  boost::system::error_code error_;  // once set, every call returns it
  std::uint8_t client_secret_size_ = 0;
  std::uint8_t server_secret_size_ = 0;
  Suite suite_ = Suite::aes_128_gcm;
  bool active_ = false;
  bool peer_closed_ = false;  // close_notify received
  bool close_sent_ = false;
  bool key_update_due_ = false;  // before our next record
  bool staged_ = false;          // a staged record's send is not yet reported
};

}  // namespace musubi::server
