#include "clients/cli/connection_settings.hpp"

#include <filesystem>

#include "clients/cli/cli_error.hpp"

namespace musubi::cli {

ConnectionSettings resolve_settings(const GlobalOptions& options, const State& state) {
  ConnectionSettings s;
  s.server = options.server          ? *options.server
             : !state.server.empty() ? state.server
                                     : std::string(kDefaultServer);
  const auto url = client::parse_server_url(s.server);
  if (!url) {
    throw CliError(CliError::Kind::usage,
                   "bad server URL \"" + s.server + "\"; expected wss://HOST[:PORT][/PATH]");
  }
  if (options.ca_file) {
    // Stored absolute, so that the CLI works from any directory later.
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(*options.ca_file, ec);
    s.ca_file = ec ? *options.ca_file : absolute.lexically_normal().string();
    s.insecure = false;
  } else if (options.insecure) {
    s.insecure = true;
  } else {
    s.ca_file = state.ca_file;
    s.insecure = state.insecure;
  }
  s.connect.url = *url;
  s.connect.tls.ca_file = s.ca_file;
  s.connect.tls.insecure = s.insecure;
  return s;
}

}  // namespace musubi::cli
