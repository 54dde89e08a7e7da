#include "clients/client/server_url.hpp"

namespace musubi::client {

std::string ServerUrl::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "wss://" + (v6 ? "[" + host + "]" : host) + ":" + port + path;
}

std::optional<ServerUrl> parse_server_url(std::string_view text) {
  constexpr std::string_view scheme = "wss://";
  if (text.substr(0, scheme.size()) != scheme) return std::nullopt;
  text.remove_prefix(scheme.size());
  ServerUrl url;
  const auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  if (slash != std::string_view::npos) url.path = std::string(text.substr(slash));
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (authority.front() != ':') return std::nullopt;
      url.port = std::string(authority.substr(1));
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) url.port = std::string(authority.substr(colon + 1));
  }
  if (url.host.empty() || url.port.empty() || url.port.size() > 5 ||
      url.port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return url;
}

}  // namespace musubi::client
