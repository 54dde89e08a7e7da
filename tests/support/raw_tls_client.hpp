#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

namespace musubi::testing {

// What a client offers: a range of protocol versions, and the suites for TLS 1.2 and below (an
// OpenSSL cipher string) and for TLS 1.3. Empty strings keep OpenSSL's defaults.
struct TlsOffer {
  int min_version = TLS1_2_VERSION;
  int max_version = TLS1_3_VERSION;
  std::string ciphers;
  std::string tls13_suites;
};

// How a handshake ended.
struct TlsHandshake {
  bool established = false;
  std::string version;  // "TLSv1.2"
  std::string cipher;   // OpenSSL's name
  bool aead = false;
  int key_exchange = NID_undef;  // NID_kx_ecdhe; NID_kx_any in TLS 1.3
  int error_reason = 0;          // when refused: the reason code of OpenSSL's last error
  std::string error;             // and its text, for failure messages
};

// A TLS client made of OpenSSL calls alone on a blocking socket, every call bounded by kWait:
// it offers exactly what a test asks (at security level 0, so even what OpenSSL 3 would not
// offer by itself) and sends whatever bytes it is given. The certificate is not verified.
class RawTlsClient {
 public:
  RawTlsClient(unsigned short port, const TlsOffer& offer = {});
  ~RawTlsClient();
  RawTlsClient(const RawTlsClient&) = delete;
  RawTlsClient& operator=(const RawTlsClient&) = delete;

  const TlsHandshake& handshake() const { return handshake_; }

  // Sends all of `bytes`; false once the connection is closed or broken.
  bool write(std::string_view bytes);

  // What arrives next: some bytes; "" when the server has closed the connection (or reset it);
  // nullopt when nothing came before the deadline.
  std::optional<std::string> read();

  // Bytes straight onto the TCP connection, under TLS: forged or malformed records.
  bool write_raw(std::string_view bytes) const;
  // Asks for a KeyUpdate that requests the server's too; it goes out with the next write.
  bool request_key_update();
  // Sends close_notify.
  void shut_down();

  // What the server sent: KeyUpdate messages, the last alert's description (-1: none), and
  // whether it closed with close_notify.
  int key_updates_received() const { return key_updates_received_; }
  int alert_received() const { return alert_received_; }
  bool received_close_notify() const;

 private:
  static void on_message(int write_p, int version, int content_type, const void* buf,
                         std::size_t len, SSL* ssl, void* arg);

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  TlsHandshake handshake_;
  int key_updates_received_ = 0;
  int alert_received_ = -1;
};

}  // namespace musubi::testing
