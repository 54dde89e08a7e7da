#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clients/client/server_url.hpp"
#include "protocol/envelope.hpp"

namespace musubi::client {

struct TlsOptions {
  std::string ca_file;    // trust this certificate (e.g. the server's self-signed one)
  bool insecure = false;  // no verification at all (testing only)
};

struct ConnectOptions {
  ServerUrl url;
  TlsOptions tls;
  std::string subprotocol = std::string(protocol::kSubprotocol);  // empty: offer none
  std::string origin;                                             // empty: send no Origin
  std::chrono::milliseconds timeout{10000};
  std::string local_address;  // empty: any; else the source address (tests: 127.0.0.2)
};

// A failure to connect or a broken connection, with what the server said when it said anything.
class ClientError : public std::runtime_error {
 public:
  explicit ClientError(const std::string& what, int http_status = 0, std::string http_body = {})
      : std::runtime_error(what), http_status_(http_status), http_body_(std::move(http_body)) {}
  int http_status() const { return http_status_; }
  const std::string& http_body() const { return http_body_; }

 private:
  int http_status_;
  std::string http_body_;
};

struct CloseInfo {
  unsigned short code = 0;
  std::string reason;
};

// A musubi.v1 connection for one thread: the CLI, the tests and the load generator's simple
// paths. A read is always outstanding, so frames queue up in arrival order while the caller does
// other things; every wait has a deadline. Not thread-safe.
class ClientConnection {
 public:
  // Connects, verifies TLS, upgrades. Throws ClientError.
  static std::unique_ptr<ClientConnection> connect(const ConnectOptions& options);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Sends a request and waits for its reply; events arriving meanwhile stay queued. Throws
  // ClientError when the connection closes or the deadline passes.
  protocol::ServerFrame request(std::string_view op, const nlohmann::json& body,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends a request without waiting; returns its id.
  std::string send_request(std::string_view op, const nlohmann::json& body);

  // Sends raw frames (for tests of bad input).
  void send_text(std::string text);
  void send_binary(std::string data);

  // The next frame in arrival order (reply or event), or nullopt at the deadline or close.
  std::optional<protocol::ServerFrame> next_frame(std::chrono::milliseconds timeout);
  // The next event, skipping nothing: replies stay queued for request()/next_frame().
  std::optional<protocol::ServerFrame> next_event(std::chrono::milliseconds timeout);
  // The reply to `id`, or nullopt at the deadline or close.
  std::optional<protocol::ServerFrame> reply_to(const std::string& id,
                                                std::chrono::milliseconds timeout);

  // Waits until the server closes the connection; nullopt if it is still open at the deadline.
  std::optional<CloseInfo> wait_closed(std::chrono::milliseconds timeout);
  const std::optional<CloseInfo>& closed() const { return closed_; }

  // Starts our close handshake and waits for it (bounded).
  void close(unsigned short code = 1000);

  // The welcome event's body (sent by the server first on every connection).
  const nlohmann::json& welcome() const { return welcome_; }

 private:
  struct Impl;
  explicit ClientConnection(std::unique_ptr<Impl> impl);
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds timeout);
  // Removes and returns the first queued frame that matches, waiting for one until the deadline.
  template <class Match>
  std::optional<protocol::ServerFrame> take(Match match, std::chrono::milliseconds timeout);
  void start_read();
  void write(std::string text, bool binary);
  void log(std::string_view direction, std::string_view text);

  std::unique_ptr<Impl> impl_;
  std::deque<protocol::ServerFrame> inbox_;
  std::optional<CloseInfo> closed_;
  nlohmann::json welcome_;
  std::uint64_t next_id_ = 1;
  std::string log_id_;
};

}  // namespace musubi::client
