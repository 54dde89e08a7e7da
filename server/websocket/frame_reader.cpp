#include "server/websocket/frame_reader.hpp"

#include <array>
#include <cstring>

#include "server/websocket/utf8.hpp"

namespace musubi::server::websocket {

namespace {

constexpr std::uint16_t kProtocolError = 1002;
constexpr std::uint16_t kInvalidData = 1007;
constexpr std::uint16_t kTooBig = 1009;
// A reassembly buffer larger than this is given back once its message is delivered.
constexpr std::size_t kKeptBufferCapacity = 4096;
constexpr std::size_t kMaxControlPayload = 125;

// The fields of a frame's header (RFC 6455 §5.2), decoded but not yet checked.
struct FrameHeader {
  bool fin = false;
  std::uint8_t reserved_bits = 0;  // RSV1-3: no extension is negotiated, so they must be clear
  std::uint8_t opcode = 0;
  bool masked = false;
  std::uint64_t length = 0;
  bool minimal_length = true;  // the length is in its shortest form
  std::size_t size = 0;        // bytes before the payload
  std::array<unsigned char, 4> mask{};
};

// Decodes the header at the start of [p, p + available); false when it has not all arrived.
bool decode_header(const unsigned char* p, std::size_t available, FrameHeader& header) {
  if (available < 2) return false;
  header.fin = (p[0] & 0x80) != 0;
  header.reserved_bits = p[0] & 0x70;
  header.opcode = p[0] & 0x0f;
  header.masked = (p[1] & 0x80) != 0;
  header.length = p[1] & 0x7f;
  const std::size_t extended = header.length == 126 ? 2 : header.length == 127 ? 8 : 0;
  header.size = 2 + extended + (header.masked ? 4 : 0);
  if (available < header.size) return false;
  if (extended != 0) {
    header.length = 0;
    for (std::size_t i = 0; i < extended; ++i)
      header.length = (header.length << 8) | p[2 + i];
    header.minimal_length = header.length >= (extended == 2 ? 126u : 65536u);
  }
  if (header.masked) std::memcpy(header.mask.data(), p + 2 + extended, 4);
  return true;
}

bool is_control(std::uint8_t opcode) {
  return (opcode & 0x8) != 0;
}

// The header rules that need no payload; `room` is what the message may still grow by.
std::optional<ReadFailure> check_header(const FrameHeader& header, Sender sender, bool in_message,
                                        std::size_t room) {
  const auto protocol_error = [](std::string_view reason) {
    return ReadFailure{kProtocolError, reason};
  };
  if (header.reserved_bits != 0) return protocol_error("reserved bits set");
  if ((header.opcode > 2 && header.opcode < 8) || header.opcode > 10) {
    return protocol_error("reserved opcode");
  }
  if (sender == Sender::client && !header.masked) {
    return protocol_error("client frames must be masked");
  }
  if (sender == Sender::server && header.masked) {
    return protocol_error("server frames must not be masked");
  }
  if ((header.length >> 63) != 0) return protocol_error("frame length out of range");
  if (!header.minimal_length) return protocol_error("length not minimally encoded");
  if (is_control(header.opcode)) {
    if (!header.fin) return protocol_error("fragmented control frame");
    if (header.length > kMaxControlPayload) return protocol_error("control frame over 125 bytes");
    return std::nullopt;
  }
  const bool continuation = header.opcode == 0;
  if (continuation && !in_message) return protocol_error("continuation without a message");
  if (!continuation && in_message) return protocol_error("new message inside a fragmented one");
  if (header.length > room) return ReadFailure{kTooBig, "message too big"};
  return std::nullopt;
}

// XORs the payload with the masking key, eight bytes at a time while it can.
void unmask(char* payload, std::size_t size, const std::array<unsigned char, 4>& mask) {
  std::array<unsigned char, 8> twice{};
  std::memcpy(twice.data(), mask.data(), 4);
  std::memcpy(twice.data() + 4, mask.data(), 4);
  std::uint64_t mask8 = 0;
  std::memcpy(&mask8, twice.data(), 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, payload + i, 8);
    chunk ^= mask8;
    std::memcpy(payload + i, &chunk, 8);
  }
  for (; i < size; ++i)
    payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
}

// Codes a peer may send (RFC 6455 §7.4; 1004-1006 and 1015 are never put in a frame).
bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

// The payload rules of a whole message or control frame.
std::optional<ReadFailure> check_payload(Opcode opcode, std::string_view payload) {
  if (opcode == Opcode::text && !valid_utf8(payload)) {
    return ReadFailure{kInvalidData, "text is not UTF-8"};
  }
  if (opcode != Opcode::close || payload.empty()) return std::nullopt;
  if (payload.size() == 1) return ReadFailure{kProtocolError, "close payload of one byte"};
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                               static_cast<unsigned char>(payload[1]));
  if (!valid_close_code(code)) return ReadFailure{kProtocolError, "invalid close code"};
  if (!valid_utf8(payload.substr(2))) return ReadFailure{kInvalidData, "close reason not UTF-8"};
  return std::nullopt;
}

}  // namespace

ReadResult FrameReader::read(char* data, std::size_t size, MessageHandler& handler) {
  ReadResult result;
  // Hands on one message; false when reading must end, for a failure or at the handler's wish.
  const auto deliver = [&](Opcode opcode, std::string_view payload) {
    result.failure = check_payload(opcode, payload);
    if (result.failure) return false;
    result.stopped = !handler.on_message(Message{opcode, payload});
    return !result.stopped;
  };
  for (;;) {
    char* frame = data + result.consumed;
    const std::size_t available = size - result.consumed;
    FrameHeader header;
    if (!decode_header(reinterpret_cast<const unsigned char*>(frame), available, header)) {
      return result;
    }
    const std::size_t room = max_message_bytes_ - (in_message_ ? fragments_.size() : 0);
    result.failure = check_header(header, sender_, in_message_, room);
    if (result.failure) return result;
    // Unmasking waits for the whole frame: a partial one is handed back and read again later.
    if (available - header.size < header.length) return result;

    char* payload = frame + header.size;
    const auto length = static_cast<std::size_t>(header.length);
    if (header.masked) unmask(payload, length, header.mask);
    result.consumed += header.size + length;
    const auto opcode = static_cast<Opcode>(header.opcode);
    const std::string_view view(payload, length);

    // The common case, control frames and unfragmented messages, is delivered in place.
    if (is_control(header.opcode) || (header.fin && !in_message_)) {
      if (!deliver(opcode, view)) return result;
      continue;
    }
    if (!in_message_) {
      in_message_ = true;
      message_opcode_ = opcode;
    }
    fragments_.append(view);
    if (!header.fin) continue;
    in_message_ = false;
    const bool go_on = deliver(message_opcode_, fragments_);
    fragments_.clear();
    if (fragments_.capacity() > kKeptBufferCapacity) std::string().swap(fragments_);
    if (!go_on) return result;
  }
}

}  // namespace musubi::server::websocket
