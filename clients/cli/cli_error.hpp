#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace musubi::cli {

// A failure the user is told about on stderr ("musubi: " + what()) before the process exits
// with exit_code(): 2 for usage errors, 1 for everything else.
class CliError : public std::runtime_error {
 public:
  enum class Kind {
    usage,            // the command line is wrong
    server,           // the server answered with an error (server_code() names it)
    connect_failed,   // no connection could be made (DNS, TCP, TLS, upgrade)
    connection_lost,  // the connection broke, or a reply did not come in time
    local,            // the state file, the terminal, and the like
  };

  CliError(Kind kind, const std::string& message, std::string server_code = {})
      : std::runtime_error(message), kind_(kind), server_code_(std::move(server_code)) {}

  Kind kind() const { return kind_; }
  // The server's machine-readable error code ("not_found", "invalid_token", ...), or empty.
  const std::string& server_code() const { return server_code_; }
  int exit_code() const { return kind_ == Kind::usage ? 2 : 1; }

 private:
  Kind kind_;
  std::string server_code_;
};

}  // namespace musubi::cli
