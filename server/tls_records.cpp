#include "server/tls_records.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

namespace musubi::server {

namespace {

constexpr std::size_t kHeaderBytes = 5;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kMaxPlaintext = std::size_t{1} << 14;
constexpr std::size_t kMaxCiphertext = kMaxPlaintext + 256;  // RFC 8446 §5.2
constexpr std::size_t kMaxRecord = kHeaderBytes + kMaxCiphertext;
// The most one read takes from the socket when the caller's buffer is large: what a WebSocket
// session offers, so that everything read fits its buffer once decrypted.
constexpr std::size_t kReadBytes = std::size_t{64} * 1024;

// Record content types and the one post-handshake message we take (RFC 8446 §4, §5.1).
constexpr std::uint8_t kAlert = 21;
constexpr std::uint8_t kHandshake = 22;
constexpr std::uint8_t kApplicationData = 23;
constexpr std::uint8_t kKeyUpdate = 24;
constexpr std::size_t kKeyUpdateBytes = 5;

// Alert descriptions (RFC 8446 §6).
constexpr std::uint8_t kCloseNotify = 0;
constexpr std::uint8_t kUnexpectedMessage = 10;
constexpr std::uint8_t kBadRecordMac = 20;
constexpr std::uint8_t kRecordOverflow = 22;
constexpr std::uint8_t kDecodeError = 50;
constexpr std::uint8_t kInternalError = 80;
constexpr std::uint8_t kUserCanceled = 90;
constexpr std::uint8_t kWarning = 1;
constexpr std::uint8_t kFatal = 2;

struct SuiteFacts {
  const char* cipher;
  const char* digest;
  std::size_t key_bytes;
  std::size_t hash_bytes;
};
constexpr std::array<SuiteFacts, 3> kSuites{{
    {"AES-128-GCM", "SHA256", 16, 32},
    {"AES-256-GCM", "SHA384", 32, 48},
    {"ChaCha20-Poly1305", "SHA256", 32, 32},
}};

// One cipher context per suite and direction and thread, fetched and set up once: a record then
// only sets its key and nonce. Connections keep keys, not contexts (about 1 KiB each).
class ThreadCiphers {
 public:
  ThreadCiphers() = default;
  ThreadCiphers(const ThreadCiphers&) = delete;
  ThreadCiphers& operator=(const ThreadCiphers&) = delete;
  ~ThreadCiphers() {
    for (EVP_CIPHER_CTX* context : contexts_)
      EVP_CIPHER_CTX_free(context);
  }

  EVP_CIPHER_CTX* get(std::size_t suite, bool encrypt) {
    EVP_CIPHER_CTX*& context = contexts_.at(suite * 2 + (encrypt ? 1 : 0));
    if (context == nullptr) {
      EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, kSuites.at(suite).cipher, nullptr);
      context = EVP_CIPHER_CTX_new();
      if (cipher == nullptr || context == nullptr ||
          EVP_CipherInit_ex(context, cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1) {
        EVP_CIPHER_CTX_free(context);
        context = nullptr;
      }
      EVP_CIPHER_free(cipher);  // the context keeps its own reference
    }
    return context;
  }

 private:
  std::array<EVP_CIPHER_CTX*, kSuites.size() * 2> contexts_{};
};

EVP_CIPHER_CTX* thread_cipher(std::size_t suite, bool encrypt) {
  thread_local ThreadCiphers ciphers;
  return ciphers.get(suite, encrypt);
}

// HKDF-Expand-Label(secret, label, "", size) of RFC 8446 §7.1, for a size of at most one hash:
// HKDF-Expand's first block, HMAC(secret, HkdfLabel || 0x01).
bool expand_label(const char* digest, const unsigned char* secret, std::size_t secret_size,
                  std::string_view label, unsigned char* out, std::size_t size) {
  constexpr std::string_view kPrefix = "tls13 ";
  std::array<unsigned char, 64> info{};
  std::size_t n = 0;
  info.at(n++) = static_cast<unsigned char>(size >> 8);
  info.at(n++) = static_cast<unsigned char>(size & 0xff);
  info.at(n++) = static_cast<unsigned char>(kPrefix.size() + label.size());
  for (const char c : kPrefix)
    info.at(n++) = static_cast<unsigned char>(c);
  for (const char c : label)
    info.at(n++) = static_cast<unsigned char>(c);
  info.at(n++) = 0;  // no context
  info.at(n++) = 1;  // the block counter
  std::array<unsigned char, EVP_MAX_MD_SIZE> block{};
  std::size_t block_size = 0;
  const bool ok = EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, secret, secret_size,
                            info.data(), n, block.data(), block.size(), &block_size) != nullptr &&
                  block_size >= size;
  if (ok) std::memcpy(out, block.data(), size);
  OPENSSL_cleanse(block.data(), block.size());
  return ok;
}

boost::system::error_code last_system_error() {
  return {errno, boost::system::system_category()};
}

boost::system::error_code protocol_error() {
  return make_error_code(boost::system::errc::protocol_error);
}

TlsStep moved(std::size_t bytes, bool drained = false) {
  TlsStep step;
  step.bytes = bytes;
  step.drained = drained;
  return step;
}

TlsStep waiting(TlsWant want) {
  TlsStep step;
  step.want = want;
  return step;
}

TlsStep failure(boost::system::error_code error) {
  TlsStep step;
  step.error = error;
  return step;
}

// Per thread: where a KeyUpdate (when due) and one record are sealed before they are sent.
unsigned char* seal_buffer() {
  thread_local std::array<unsigned char, 2 * kMaxRecord> buffer;
  return buffer.data();
}

// The handshake whose secrets the keylog callback keeps, in this thread.
struct CaptureTarget {
  const SSL* ssl = nullptr;
  TlsRecords* records = nullptr;
};
thread_local CaptureTarget capture_target;

}  // namespace

// --- Taking over -------------------------------------------------------------------------------

void TlsRecords::capture_secrets(SSL_CTX* context) {
  SSL_CTX_set_keylog_callback(context, [](const SSL* ssl, const char* line) {
    if (capture_target.ssl == ssl && capture_target.records != nullptr) {
      capture_target.records->note_secret(line);
    }
  });
}

TlsRecords::Capture::Capture(const SSL* ssl, TlsRecords& records)
    : previous_ssl_(capture_target.ssl), previous_records_(capture_target.records) {
  capture_target = {ssl, &records};
}

TlsRecords::Capture::~Capture() {
  capture_target = {previous_ssl_, previous_records_};
}

TlsRecords::TlsRecords(TlsRecords&& other) noexcept = default;

TlsRecords::~TlsRecords() {
  wipe_keys();
}

void TlsRecords::wipe_keys() {
  OPENSSL_cleanse(&read_, sizeof read_);
  OPENSSL_cleanse(&write_, sizeof write_);
}

void TlsRecords::note_secret(std::string_view line) {
  // "CLIENT_TRAFFIC_SECRET_0 <client random> <secret>", both in hex (NSS's key log format).
  const bool client = line.starts_with("CLIENT_TRAFFIC_SECRET_0 ");
  if (!client && !line.starts_with("SERVER_TRAFFIC_SECRET_0 ")) return;
  const std::string_view hex = line.substr(line.rfind(' ') + 1);
  if (hex.size() % 2 != 0 || hex.size() / 2 > kMaxSecret) return;
  Direction& direction = client ? read_ : write_;
  for (std::size_t i = 0; i < hex.size() / 2; ++i) {
    const int high = OPENSSL_hexchar2int(static_cast<unsigned char>(hex[2 * i]));
    const int low = OPENSSL_hexchar2int(static_cast<unsigned char>(hex[2 * i + 1]));
    if (high < 0 || low < 0) return;
    direction.secret.at(i) = static_cast<unsigned char>(high * 16 + low);
  }
  (client ? client_secret_size_ : server_secret_size_) = static_cast<std::uint8_t>(hex.size() / 2);
}

bool TlsRecords::take_over(const SSL* ssl) {
  active_ = can_take_over(ssl) && derive_keys(read_) && derive_keys(write_);
  if (!active_) wipe_keys();  // OpenSSL keeps the connection: the captured secrets are not needed
  return active_;
}

bool TlsRecords::can_take_over(const SSL* ssl) {
  if (SSL_version(ssl) != TLS1_3_VERSION || SSL_has_pending(ssl) != 0) return false;
  // Both directions must be at their first record under the application keys: no session
  // tickets sent after the handshake, no early data read, no key update pending in OpenSSL.
  // (The server's context allows none of them; a context that did would stay with OpenSSL.)
  if (SSL_get_num_tickets(ssl) != 0 || SSL_get_max_early_data(ssl) != 0 ||
      SSL_get_key_update_type(ssl) != SSL_KEY_UPDATE_NONE) {
    return false;
  }
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  if (cipher == nullptr) return false;
  switch (SSL_CIPHER_get_protocol_id(cipher)) {
    case 0x1301: suite_ = Suite::aes_128_gcm; break;
    case 0x1302: suite_ = Suite::aes_256_gcm; break;
    case 0x1303: suite_ = Suite::chacha20_poly1305; break;
    default: return false;
  }
  return client_secret_size_ == secret_size() && server_secret_size_ == secret_size();
}

std::size_t TlsRecords::secret_size() const {
  return kSuites.at(static_cast<std::size_t>(suite_)).hash_bytes;
}

bool TlsRecords::derive_keys(Direction& direction) const {
  const SuiteFacts& facts = kSuites.at(static_cast<std::size_t>(suite_));
  direction.sequence = 0;
  return expand_label(facts.digest, direction.secret.data(), facts.hash_bytes, "key",
                      direction.key.data(), facts.key_bytes) &&
         expand_label(facts.digest, direction.secret.data(), facts.hash_bytes, "iv",
                      direction.iv.data(), direction.iv.size());
}

bool TlsRecords::next_secret(Direction& direction) const {
  // RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd").
  const SuiteFacts& facts = kSuites.at(static_cast<std::size_t>(suite_));
  std::array<unsigned char, kMaxSecret> next{};
  const bool ok = expand_label(facts.digest, direction.secret.data(), facts.hash_bytes,
                               "traffic upd", next.data(), facts.hash_bytes);
  if (ok) direction.secret = next;
  OPENSSL_cleanse(next.data(), next.size());
  return ok && derive_keys(direction);
}

// --- Records -----------------------------------------------------------------------------------

namespace {

std::array<unsigned char, kNonceBytes> nonce_for(const std::array<unsigned char, kNonceBytes>& iv,
                                                 std::uint64_t sequence) {
  std::array<unsigned char, kNonceBytes> nonce = iv;
  for (std::size_t i = 0; i < 8; ++i) {
    nonce.at(kNonceBytes - 1 - i) ^= static_cast<unsigned char>(sequence >> (8 * i));
  }
  return nonce;
}

}  // namespace

std::size_t TlsRecords::seal(unsigned char* out, std::uint8_t type, const void* data,
                             std::size_t size) {
  const std::size_t body = size + 1 + kTagBytes;
  out[0] = kApplicationData;  // every protected record says so (RFC 8446 §5.2)
  out[1] = 3;
  out[2] = 3;
  out[3] = static_cast<unsigned char>(body >> 8);
  out[4] = static_cast<unsigned char>(body & 0xff);
  const auto nonce = nonce_for(write_.iv, write_.sequence++);
  EVP_CIPHER_CTX* context = thread_cipher(static_cast<std::size_t>(suite_), true);
  unsigned char* sealed = out + kHeaderBytes;
  const auto* plain = static_cast<const unsigned char*>(data);
  int n = 0;
  int type_n = 0;
  int final_n = 0;
  const bool ok =
      context != nullptr &&
      EVP_CipherInit_ex(context, nullptr, nullptr, write_.key.data(), nonce.data(), 1) == 1 &&
      EVP_EncryptUpdate(context, nullptr, &n, out, kHeaderBytes) == 1 &&
      (size == 0 || (EVP_EncryptUpdate(context, sealed, &n, plain, static_cast<int>(size)) == 1 &&
                     static_cast<std::size_t>(n) == size)) &&
      EVP_EncryptUpdate(context, sealed + size, &type_n, &type, 1) == 1 && type_n == 1 &&
      EVP_EncryptFinal_ex(context, sealed + size + 1, &final_n) == 1 && final_n == 0 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, kTagBytes, sealed + size + 1) == 1;
  return ok ? kHeaderBytes + body : 0;
}

std::size_t TlsRecords::seal_alert(AlertRecord& out, std::uint8_t level, std::uint8_t description) {
  const std::array<unsigned char, 2> message{level, description};
  return seal(out.data(), kAlert, message.data(), message.size());
}

bool TlsRecords::open(unsigned char* record, std::size_t body_size) {
  const auto nonce = nonce_for(read_.iv, read_.sequence++);
  EVP_CIPHER_CTX* context = thread_cipher(static_cast<std::size_t>(suite_), false);
  unsigned char* sealed = record + kHeaderBytes;
  const std::size_t size = body_size - kTagBytes;
  std::array<unsigned char, 32> rest{};
  int n = 0;
  return context != nullptr &&
         EVP_CipherInit_ex(context, nullptr, nullptr, read_.key.data(), nonce.data(), 0) == 1 &&
         EVP_DecryptUpdate(context, nullptr, &n, record, kHeaderBytes) == 1 &&
         EVP_DecryptUpdate(context, sealed, &n, sealed, static_cast<int>(size)) == 1 &&
         static_cast<std::size_t>(n) == size &&
         EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, kTagBytes, sealed + size) == 1 &&
         EVP_DecryptFinal_ex(context, rest.data(), &n) == 1;
}

TlsRecords::Opened TlsRecords::open_records(unsigned char* bytes, std::size_t size) {
  Opened opened;
  std::size_t& at = opened.used;
  while (size - at >= kHeaderBytes) {
    unsigned char* record = bytes + at;
    const std::size_t body = (std::size_t{record[3]} << 8) | record[4];
    // After the handshake every record is protected: a ChangeCipherSpec is unexpected too.
    if (record[0] != kApplicationData) return opened.failed(kUnexpectedMessage);
    if (record[1] != 3 || record[2] != 3) return opened.failed(kDecodeError);
    if (body > kMaxCiphertext) return opened.failed(kRecordOverflow);
    if (body < kTagBytes + 1) return opened.failed(kDecodeError);
    if (size - at - kHeaderBytes < body) break;  // the rest of it is still on its way
    if (read_.sequence == UINT64_MAX) return opened.failed(kInternalError);
    if (!open(record, body)) return opened.failed(kBadRecordMac);
    at += kHeaderBytes + body;

    // TLSInnerPlaintext: the content, its type, then any zeros of padding.
    unsigned char* content = record + kHeaderBytes;
    std::size_t length = body - kTagBytes;
    if (length > kMaxPlaintext + 1) return opened.failed(kRecordOverflow);
    while (length > 0 && content[length - 1] == 0)
      --length;
    if (length == 0) return opened.failed(kUnexpectedMessage);
    const std::uint8_t type = content[--length];
    switch (type) {
      case kApplicationData:
        std::memmove(bytes + opened.plain, content, length);  // never ahead of where it was
        opened.plain += length;
        break;
      case kAlert:
        if (length != 2) return opened.failed(kDecodeError);
        if (content[1] == kCloseNotify) {
          peer_closed_ = true;
          return opened;  // whatever follows it is not read
        }
        if (content[1] == kUserCanceled) break;  // a close_notify should follow
        opened.error = make_error_code(boost::system::errc::connection_aborted);
        return opened;  // the peer's fatal alert: nothing to answer
      case kHandshake:
        // The only message a client may send now is a KeyUpdate, and a key change must end
        // its record (RFC 8446 §5.1): so a record of exactly one KeyUpdate.
        if (length != kKeyUpdateBytes || content[0] != kKeyUpdate) {
          return opened.failed(kUnexpectedMessage);
        }
        if (content[1] != 0 || content[2] != 0 || content[3] != 1 || content[4] > 1) {
          return opened.failed(kDecodeError);
        }
        // A KeyUpdate costs three HMACs: a peer sending nothing else must not make the server
        // work for free. A client needs one per 2^24 records or so.
        if (++peer_key_updates_ > kPeerKeyUpdates) return opened.failed(kUnexpectedMessage);
        if (!next_secret(read_)) return opened.failed(kInternalError);
        if (content[4] == 1) key_update_due_ = true;  // update_requested: ours before our next
        break;
      default: return opened.failed(kUnexpectedMessage);
    }
  }
  return opened;
}

// --- Reading -----------------------------------------------------------------------------------

TlsStep TlsRecords::read(int fd, void* data, std::size_t size) {
  if (size == 0) return {};
  if (received_ && received_->plain_taken < received_->plain.size()) {
    Received& held = *received_;
    const std::size_t n = std::min(size, held.plain.size() - held.plain_taken);
    std::memcpy(data, held.plain.data() + held.plain_taken, n);
    held.plain_taken += n;
    if (held.plain_taken == held.plain.size()) {
      if (held.cipher.empty()) {
        received_.reset();
      } else {
        std::string().swap(held.plain);
        held.plain_taken = 0;
      }
    }
    return moved(n);
  }
  if (error_) return failure(error_);
  if (peer_closed_) return failure(boost::asio::error::eof);

  // Per thread: a record's start held back from the last read, then what this read takes.
  thread_local std::array<unsigned char, kMaxRecord + kReadBytes> buffer;
  unsigned char* bytes = buffer.data();
  std::size_t held = 0;
  if (received_) {
    held = received_->cipher.size();
    std::memcpy(bytes, received_->cipher.data(), held);
    received_.reset();
  }
  const auto hold_back = [&] {
    if (held == 0) return;
    received_ = std::make_unique<Received>();
    received_->cipher.assign(reinterpret_cast<const char*>(bytes), held);
  };
  // Read no more than decrypts into the caller's buffer, but always enough for a whole record.
  // One recv per call: what a call costs is bounded, whatever the peer keeps sending.
  const std::size_t wanted = std::max(std::min(size, kReadBytes), kMaxRecord);
  const std::size_t room = wanted - held;  // held is less than a record
  const auto n = ::recv(fd, bytes + held, room, 0);
  if (n == 0) {
    // The peer closed the connection without a close_notify.
    error_ = boost::asio::ssl::error::stream_truncated;
    return failure(error_);
  }
  if (n < 0) {
    if (!would_block()) {
      error_ = last_system_error();
      return failure(error_);
    }
    hold_back();
    return waiting(TlsWant::read);
  }
  held += static_cast<std::size_t>(n);
  const Opened opened = open_records(bytes, held);
  if (opened.error) return fail(fd, opened.alert, opened.error);
  if (opened.plain > 0 || peer_closed_) {
    return deliver(bytes, opened, held, data, size, static_cast<std::size_t>(n) < room);
  }
  // Nothing for the caller yet (a record's start, or a KeyUpdate): keep the rest, and wait. If
  // the socket holds more, it is readable at once.
  std::memmove(bytes, bytes + opened.used, held - opened.used);
  held -= opened.used;
  hold_back();
  return waiting(TlsWant::read);
}

TlsStep TlsRecords::deliver(const unsigned char* bytes, const Opened& opened, std::size_t held,
                            void* data, std::size_t size, bool drained) {
  const std::size_t n = std::min(size, opened.plain);
  std::memcpy(data, bytes, n);
  const std::size_t rest = peer_closed_ ? 0 : held - opened.used;  // after close_notify: nothing
  if (opened.plain > n || rest > 0) {
    received_ = std::make_unique<Received>();
    received_->plain.assign(reinterpret_cast<const char*>(bytes) + n, opened.plain - n);
    received_->cipher.assign(reinterpret_cast<const char*>(bytes) + opened.used, rest);
  }
  if (n == 0) return failure(boost::asio::error::eof);
  return moved(n, drained && opened.plain == n);
}

TlsStep TlsRecords::fail(int fd, std::uint8_t alert, boost::system::error_code error) {
  error_ = error;
  received_.reset();
  // Tell the peer why, if a record can go out whole now; the connection ends either way.
  if (alert != kNoAlert && !unsent_ && !staged_ && !close_sent_) {
    close_sent_ = true;
    AlertRecord record{};
    const std::size_t size = seal_alert(record, kFatal, alert);
    if (size != 0) (void)::send(fd, record.data(), size, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  return failure(error_);
}

// --- Writing -----------------------------------------------------------------------------------

TlsStep TlsRecords::write(int fd, const void* data, std::size_t size) {
  if (error_) return failure(error_);
  if (staged_) return failure(protocol_error());  // the caller broke stage()'s contract
  if (unsent_) return send_unsent(fd);
  if (size == 0) return {};
  if (close_sent_) return failure(make_error_code(boost::system::errc::broken_pipe));

  unsigned char* out = seal_buffer();
  std::size_t plaintext = 0;
  const std::size_t n = seal_next(out, data, size, plaintext);
  if (n == 0) return fail(fd, kNoAlert, error_);
  return send_record(fd, out, n, plaintext);
}

TlsRecords::Staged TlsRecords::stage(const void* data, std::size_t size) {
  if (!can_stage() || size == 0) return {};
  unsigned char* out = seal_buffer();
  std::size_t plaintext = 0;
  const std::size_t n = seal_next(out, data, size, plaintext);
  if (n == 0) return {};
  staged_ = true;
  return {{reinterpret_cast<const char*>(out), n}, plaintext};
}

TlsStep TlsRecords::staged_sent(long result, std::string_view unsent, std::size_t plaintext) {
  staged_ = false;
  if (error_) return failure(error_);
  if (result < 0 && !would_block(static_cast<int>(-result))) {
    error_ = {static_cast<int>(-result), boost::system::system_category()};
    return failure(error_);
  }
  return keep_unsent(unsent, plaintext);
}

std::size_t TlsRecords::seal_next(unsigned char* out, const void* data, std::size_t size,
                                  std::size_t& plaintext) {
  std::size_t n = 0;
  if (key_update_due_ || write_.sequence >= records_per_key_) {
    const std::array<unsigned char, kKeyUpdateBytes> update{kKeyUpdate, 0, 0, 1, 0};
    n = seal(out, kHandshake, update.data(), update.size());
    if (n == 0 || !next_secret(write_)) {
      error_ = protocol_error();
      return 0;
    }
    key_update_due_ = false;
  }
  plaintext = std::min(size, kMaxPlaintext);
  const std::size_t sealed = seal(out + n, kApplicationData, data, plaintext);
  if (sealed == 0) {
    error_ = protocol_error();
    return 0;
  }
  return n + sealed;
}

TlsStep TlsRecords::close_notify(int fd) {
  if (error_) return failure(error_);
  if (staged_) return failure(protocol_error());
  if (unsent_) {
    const TlsStep step = send_unsent(fd);
    if (step.want != TlsWant::nothing || step.error) return step;
  }
  if (close_sent_) return {};
  close_sent_ = true;
  AlertRecord record{};
  const std::size_t size = seal_alert(record, kWarning, kCloseNotify);
  if (size == 0) return fail(fd, kNoAlert, protocol_error());
  const TlsStep step = send_record(fd, record.data(), size, 0);
  return step.error ? step : waiting(step.want);
}

std::optional<std::size_t> TlsRecords::send_some(int fd, const void* bytes, std::size_t size) {
  const auto n = ::send(fd, bytes, size, MSG_NOSIGNAL);
  if (n >= 0) return static_cast<std::size_t>(n);
  if (would_block()) return 0;
  error_ = last_system_error();
  return std::nullopt;
}

TlsStep TlsRecords::send_record(int fd, const unsigned char* bytes, std::size_t size,
                                std::size_t plaintext) {
  const auto sent = send_some(fd, bytes, size);
  if (!sent) return failure(error_);
  return keep_unsent({reinterpret_cast<const char*>(bytes) + *sent, size - *sent}, plaintext);
}

TlsStep TlsRecords::keep_unsent(std::string_view unsent, std::size_t plaintext) {
  if (unsent.empty()) return moved(plaintext);
  // The rest goes when the socket has room. Its sequence number is spent: a record is never
  // sealed twice, whatever the caller offers next.
  unsent_ = std::make_unique<Unsent>();
  unsent_->bytes.assign(unsent);
  unsent_->plaintext = plaintext;
  return waiting(TlsWant::write);
}

TlsStep TlsRecords::send_unsent(int fd) {
  Unsent& unsent = *unsent_;
  const auto sent = send_some(fd, unsent.bytes.data(), unsent.bytes.size());
  if (!sent) return failure(error_);
  if (*sent == unsent.bytes.size()) {
    const std::size_t plaintext = unsent.plaintext;
    unsent_.reset();
    return moved(plaintext);
  }
  unsent.bytes.erase(0, *sent);
  return waiting(TlsWant::write);
}

}  // namespace musubi::server
