#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace musubi::client {

// wss://HOST[:PORT][/PATH]; the port defaults to 443 and the path to /ws. IPv6 hosts in brackets.
struct ServerUrl {
  std::string host;
  std::string port = "443";
  std::string path = "/ws";

  std::string to_string() const;
};

std::optional<ServerUrl> parse_server_url(std::string_view text);

}  // namespace musubi::client
