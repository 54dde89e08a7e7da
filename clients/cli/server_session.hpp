#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clients/cli/connection_settings.hpp"
#include "clients/cli/state_store.hpp"
#include "clients/client/client_connection.hpp"

namespace musubi::cli {

inline constexpr std::chrono::milliseconds kRequestTimeout{15000};

// One connection to musubid as the CLI uses it: every failure becomes a CliError whose message
// tells the user what to do, and every error reply becomes a CliError carrying the server's
// message and code. Closes the connection politely when destroyed.
class ServerSession {
 public:
  // Connects (TCP, TLS, WebSocket upgrade, welcome). Throws CliError (connect_failed) with a hint,
  // e.g. to pass --ca when the server's self-signed certificate is not trusted.
  static std::unique_ptr<ServerSession> connect(const ConnectionSettings& settings);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Sends a request and returns the result of its ok reply. Throws CliError: `server` for an error
  // reply, `connection_lost` when the connection breaks or no reply comes in time.
  nlohmann::json call(std::string_view op, const nlohmann::json& body,
                      std::chrono::milliseconds timeout = kRequestTimeout);

  // session.resume; an invalid token becomes a CliError telling `login` to log in again.
  nlohmann::json resume(const std::string& token, const std::string& login);

  // Drops the connection without a close handshake (for a peer that stopped answering).
  void abandon() { connection_.reset(); }

  client::ClientConnection& connection() { return *connection_; }
  const std::string& server() const { return server_; }

 private:
  ServerSession(std::unique_ptr<client::ClientConnection> connection, std::string server);

  std::unique_ptr<client::ClientConnection> connection_;
  std::string server_;
};

// For every command but `login`: connects with the stored (or overridden) settings and resumes
// the stored session. Throws CliError when nobody is logged in.
std::unique_ptr<ServerSession> open_stored_session(const GlobalOptions& options,
                                                   const State& state);

// Throws CliError (telling how to log in) when the state holds no session.
void require_logged_in(const State& state);

// The hint printed when nobody is logged in or the session is gone.
std::string login_hint(const std::string& login);

}  // namespace musubi::cli
