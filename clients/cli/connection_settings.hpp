#pragma once

#include <optional>
#include <string>

#include "clients/cli/state_store.hpp"
#include "clients/client/client_connection.hpp"

namespace musubi::cli {

inline constexpr const char* kDefaultServer = "wss://127.0.0.1:8443";

// --server, --ca and --insecure as given on this command line (each overrides the state file).
struct GlobalOptions {
  std::optional<std::string> server;
  std::optional<std::string> ca_file;
  bool insecure = false;
};

// Where to connect and how to trust the server, after merging the command line over the state.
struct ConnectionSettings {
  client::ConnectOptions connect;
  std::string server;   // as the user wrote it, e.g. "wss://care.example.jp"
  std::string ca_file;  // absolute, or empty
  bool insecure = false;
};

// Command line over state file over kDefaultServer. Throws CliError (usage) for a malformed URL.
ConnectionSettings resolve_settings(const GlobalOptions& options, const State& state);

}  // namespace musubi::cli
