#pragma once

#include <cstdint>

namespace musubi::server::websocket {

// The kind of a WebSocket frame (RFC 6455 §5.2).
enum class Opcode : std::uint8_t {
  continuation = 0,
  text = 1,
  binary = 2,
  close = 8,
  ping = 9,
  pong = 10,
};

}  // namespace musubi::server::websocket
