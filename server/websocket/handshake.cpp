#include "server/websocket/handshake.hpp"

#include <array>
#include <cctype>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "server/security_headers.hpp"

namespace musubi::server::websocket {

namespace {
constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
}  // namespace

std::string accept_key(std::string_view client_key) {
  std::string input(client_key);
  input += kGuid;
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), digest.data(), SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n));
}

bool valid_client_key(std::string_view client_key) {
  // 16 bytes encode to 22 characters and "==".
  if (client_key.size() != 24 || client_key.substr(22) != "==") return false;
  for (const char c : client_key.substr(0, 22)) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '/') return false;
  }
  return true;
}

std::string upgrade_response(std::string_view client_key, std::string_view subprotocol,
                             std::string_view server) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
  response += accept_key(client_key);
  response += "\r\nSec-WebSocket-Protocol: ";
  response += subprotocol;
  response += "\r\nServer: ";
  response += server;
  for (const auto& [name, value] : kSecurityHeaders) {
    response += "\r\n";
    response += name;
    response += ": ";
    response += value;
  }
  response += "\r\n\r\n";
  return response;
}

}  // namespace musubi::server::websocket
