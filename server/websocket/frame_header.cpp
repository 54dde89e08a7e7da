#include "server/websocket/frame_header.hpp"

namespace musubi::server::websocket {

std::size_t encode_header(Opcode opcode, std::uint64_t payload_size, std::array<char, 10>& out) {
  out[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
  if (payload_size < 126) {
    out[1] = static_cast<char>(payload_size);
    return 2;
  }
  if (payload_size <= 0xffff) {
    out[1] = 126;
    out[2] = static_cast<char>(payload_size >> 8);
    out[3] = static_cast<char>(payload_size & 0xff);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) {
    out[2 + i] = static_cast<char>((payload_size >> (56 - 8 * i)) & 0xff);
  }
  return 10;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  constexpr std::size_t kMaxReason = 123;
  if (reason.size() > kMaxReason) {
    std::size_t cut = kMaxReason;
    // Back up over continuation bytes to the start of the character that would be split.
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xc0) == 0x80)
      --cut;
    reason = reason.substr(0, cut);
  }
  std::string payload;
  payload.reserve(2 + reason.size());
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xff);
  payload += reason;
  return payload;
}

}  // namespace musubi::server::websocket
