#include "clients/cli/server_session.hpp"

#include "clients/cli/cli_error.hpp"
#include "protocol/operations.hpp"

namespace musubi::cli {

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Turns the client library's failure into advice. The library's messages name the step that
// failed ("cannot resolve", "cannot connect", "TLS handshake ... failed", ...).
std::string explain_connect_failure(const ConnectionSettings& s, const client::ClientError& e) {
  const std::string what = e.what();
  const std::string& host = s.connect.url.host;
  if (contains(what, "certificate verify failed")) {
    if (!s.ca_file.empty()) {
      return "cannot verify the TLS certificate of " + host + " with --ca " + s.ca_file +
             ": the certificate is not that one, or not issued for \"" + host +
             "\" (use the host name or address the certificate names)";
    }
    return "cannot verify the TLS certificate of " + host +
           " (certificate verify failed). If musubid uses its self-signed certificate, trust it "
           "with --ca FILE: musubid prints the file when it starts (<data>/tls/cert.pem); "
           "--insecure skips verification (for testing only)";
  }
  if (contains(what, "TLS handshake")) {
    return what + " (is " + s.server + " a musubid TLS port?)";
  }
  if (contains(what, "cannot resolve")) {
    return what + " (check the host name in --server " + s.server + ")";
  }
  if (contains(what, "cannot connect")) {
    return what + " (is musubid running there? choose the server with --server wss://HOST:PORT)";
  }
  return what;
}

}  // namespace

ServerSession::ServerSession(std::unique_ptr<client::ClientConnection> connection,
                             std::string server)
    : connection_(std::move(connection)), server_(std::move(server)) {}

ServerSession::~ServerSession() {
  try {
    if (connection_ && !connection_->closed()) connection_->close();
  } catch (...) {
    // The connection is going away anyway.
  }
}

std::unique_ptr<ServerSession> ServerSession::connect(const ConnectionSettings& settings) {
  try {
    return std::unique_ptr<ServerSession>(
        new ServerSession(client::ClientConnection::connect(settings.connect), settings.server));
  } catch (const client::ClientError& e) {
    throw CliError(CliError::Kind::connect_failed, explain_connect_failure(settings, e));
  }
}

nlohmann::json ServerSession::call(std::string_view op, const nlohmann::json& body,
                                   std::chrono::milliseconds timeout) {
  protocol::ServerFrame reply;
  try {
    reply = connection_->request(op, body, timeout);
  } catch (const client::ClientError& e) {
    throw CliError(CliError::Kind::connection_lost,
                   "connection to " + server_ + " lost: " + e.what());
  }
  if (reply.ok) return reply.result;
  if (reply.error_code == "enrolment_required") {
    throw CliError(CliError::Kind::server,
                   "二要素認証の登録が必要です / your role requires two-factor sign-in: run "
                   "`musubi 2fa enrol` first",
                   reply.error_code);
  }
  throw CliError(CliError::Kind::server,
                 reply.error_message.empty() ? reply.error_code : reply.error_message,
                 reply.error_code);
}

nlohmann::json ServerSession::resume(const std::string& token, const std::string& login) {
  try {
    return call(protocol::op::resume, {{"token", token}});
  } catch (const CliError& e) {
    if (e.server_code() != "invalid_token") throw;
    throw CliError(CliError::Kind::server, std::string(e.what()) + " (" + login_hint(login) + ")",
                   e.server_code());
  }
}

std::string login_hint(const std::string& login) {
  return "log in again with: musubi login " + (login.empty() ? std::string("LOGIN") : login);
}

void require_logged_in(const State& state) {
  if (state.token.empty()) {
    throw CliError(CliError::Kind::local,
                   "not logged in; log in first with: musubi [--server wss://HOST:PORT] "
                   "[--ca FILE] login " +
                       (state.login.empty() ? std::string("LOGIN") : state.login));
  }
}

std::unique_ptr<ServerSession> open_stored_session(const GlobalOptions& options,
                                                   const State& state) {
  const auto settings = resolve_settings(options, state);  // a bad --server is a usage error
  require_logged_in(state);
  auto session = ServerSession::connect(settings);
  session->resume(state.token, state.login);
  return session;
}

}  // namespace musubi::cli
