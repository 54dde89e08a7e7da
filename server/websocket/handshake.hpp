#pragma once

#include <string>
#include <string_view>

namespace musubi::server::websocket {

// The Sec-WebSocket-Accept value answering a client's Sec-WebSocket-Key (RFC 6455 §4.2.2):
// base64(SHA-1(key + the protocol's GUID)).
std::string accept_key(std::string_view client_key);

// Whether a Sec-WebSocket-Key is what the protocol asks for: 16 bytes in base64 (24 characters).
bool valid_client_key(std::string_view client_key);

// The complete 101 response accepting an upgrade that offered `subprotocol`, with the security
// headers every response carries.
std::string upgrade_response(std::string_view client_key, std::string_view subprotocol,
                             std::string_view server);

}  // namespace musubi::server::websocket
