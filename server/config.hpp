#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace musubi::server {

// Limits a client can run into; each is documented in README.md and the example config.
struct Limits {
  std::size_t max_frame_bytes = 64 * 1024;              // one WebSocket message
  std::size_t max_json_depth = 16;                      // nesting of arrays and objects
  std::size_t max_text_chars = 10000;                   // a posted message, in Unicode characters
  double requests_per_second = 20;                      // per connection, sustained
  double request_burst = 40;                            // per connection, short bursts
  std::size_t send_queue_bytes = 4 * 1024 * 1024;       // per connection, before it is dropped
  std::size_t max_attachment_bytes = 20 * 1024 * 1024;  // one uploaded file
  int max_failed_signins = 5;                           // per login, before lockout
  int lockout_seconds = 30;  // first lockout; doubles with each further failure
  int max_lockout_seconds = 3600;
  // Failed sign-ins from one address (any logins) before its sign-ins wait 1 s, doubling with
  // each further failure up to max_address_wait_seconds; 0: no back-off per address.
  int max_failed_signins_per_address = 20;
  int max_address_wait_seconds = 300;
  // Open connections from one IPv4 address or IPv6 /64; 0: no cap. Generous because a whole
  // hospital or care facility may reach us through one NAT address.
  std::size_t max_connections_per_address = 1000;
};

struct StorageConfig {
  std::string synchronous = "FULL";
  int readers = 2;
  std::size_t max_batch = 1000;
  // Under a steady stream of writes, commits at most this often (0: as soon as the previous one
  // is synced); see storage::CommitPacer. At most kMaxCommitIntervalUs.
  std::int64_t commit_interval_us = 2000;
  static constexpr std::int64_t kMaxCommitIntervalUs = 100'000;
};

struct SecurityConfig {
  // Sliding lifetimes: each use of a session extends it. token_ttl_days for a remembered device
  // (at least 1), shared_device_idle_minutes for a sign-in with "remember": false (1-1439: under
  // a day, which is how the two kinds of session are told apart).
  std::int64_t token_ttl_days = 30;
  std::int64_t shared_device_idle_minutes = 30;
  // Argon2id cost (libsodium's "interactive" level by default).
  std::uint64_t argon2_ops = 2;
  std::size_t argon2_memory_kib = 64 * 1024;
  std::vector<std::string> allowed_origins;  // empty: the server's own origin
  // Network roles that must sign in with a second factor (TOTP). A user of such a role who has
  // not enrolled yet gets a session that can only enrol. Anyone else may enrol by choice.
  std::vector<std::string> two_factor_roles = {"city_admin"};
};

struct TimeoutConfig {
  int tls_handshake_seconds = 10;
  int http_request_seconds = 30;
  int upload_seconds = 300;                // to send one attachment (20 MiB at about 0.5 Mbit/s)
  int websocket_idle_seconds = 60;         // pings at half of it; a silent peer is dropped
  int close_seconds = 5;                   // to deliver queued frames and the close frame
  int shutdown_seconds = 10;               // for the whole drain on SIGTERM
  int revocation_poll_ms = 500;            // to notice `musubid user disable` from another process
  int emergency_escalation_seconds = 180;  // before an unanswered emergency alerts the next tier
};

// How long closed rooms are kept (server/domain/retention.hpp); only `musubid retention --apply`
// deletes anything.
struct RetentionConfig {
  int closed_room_years = 5;  // after the closing day; 0: forever; 1-4 refused at load
};

// Everything musubid can be told. Defaults < config file < command-line flags.
struct ServerConfig {
  // The city whose network this is: patients must live there, and organizations outside it
  // register through their own location's association.
  std::string municipality = "柏市";
  std::string listen = "127.0.0.1:8443";
  std::filesystem::path data_dir = "var";
  std::filesystem::path cert_file;  // empty: <data>/tls/cert.pem, generated on first start
  std::filesystem::path key_file;   // empty: <data>/tls/key.pem
  unsigned threads = 0;             // network threads; 0: one per core
  Limits limits;
  StorageConfig storage;
  SecurityConfig security;
  TimeoutConfig timeouts;
  RetentionConfig retention;

  std::filesystem::path database_path() const { return data_dir / "musubi.db"; }
  std::filesystem::path attachments_path() const { return data_dir / "attachments"; }
};

// Reads a TOML file over `config`. Unknown keys and wrong types are errors (a typo in a limit
// must not silently fall back to a default). Throws std::runtime_error naming file and key.
void load_config_file(const std::filesystem::path& file, ServerConfig& config);

// Splits "HOST:PORT" ("[::1]:8443" for IPv6). Throws std::runtime_error.
struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};
ListenAddress parse_listen_address(const std::string& text);

}  // namespace musubi::server
