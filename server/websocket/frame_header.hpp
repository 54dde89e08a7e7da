#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/websocket/opcode.hpp"

namespace musubi::server::websocket {

// Writes the header of a complete (FIN), unmasked server frame into `out`, with the shortest
// length encoding; returns its size (2, 4 or 10).
std::size_t encode_header(Opcode opcode, std::uint64_t payload_size, std::array<char, 10>& out);

// A close frame's payload: the code (big-endian), then the reason cut to 123 bytes at a character
// boundary (a control frame carries at most 125).
std::string close_payload(std::uint16_t code, std::string_view reason);

}  // namespace musubi::server::websocket
