#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/websocket/frame_header.hpp"
#include "server/websocket/utf8.hpp"

namespace musubi::server::websocket {
namespace {

std::vector<unsigned char> header_bytes(Opcode opcode, std::uint64_t payload_size) {
  std::array<char, 10> out{};
  const std::size_t size = encode_header(opcode, payload_size, out);
  return std::vector<unsigned char>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size));
}

using Bytes = std::vector<unsigned char>;

TEST(WebSocketFrameHeader, UsesTheShortestLengthForm) {
  EXPECT_EQ(header_bytes(Opcode::text, 0), (Bytes{0x81, 0}));
  EXPECT_EQ(header_bytes(Opcode::text, 125), (Bytes{0x81, 125}));
  EXPECT_EQ(header_bytes(Opcode::text, 126), (Bytes{0x81, 126, 0x00, 126}));
  EXPECT_EQ(header_bytes(Opcode::text, 65535), (Bytes{0x81, 126, 0xff, 0xff}));
  EXPECT_EQ(header_bytes(Opcode::text, 65536), (Bytes{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(WebSocketFrameHeader, WritesALongLengthBigEndian) {
  EXPECT_EQ(header_bytes(Opcode::binary, 0x0102030405060708),
            (Bytes{0x82, 127, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(WebSocketFrameHeader, SetsFinAndTheOpcodeAndNoMask) {
  for (const Opcode opcode : {Opcode::text, Opcode::binary, Opcode::close, Opcode::ping,
                              Opcode::pong, Opcode::continuation}) {
    const Bytes header = header_bytes(opcode, 3);
    ASSERT_EQ(header.size(), 2u);
    EXPECT_EQ(header[0], 0x80 | static_cast<unsigned char>(opcode));
    EXPECT_EQ(header[1], 3);  // mask bit clear: servers never mask
  }
}

TEST(WebSocketFrameHeader, ClosePayloadIsTheCodeThenTheReason) {
  EXPECT_EQ(close_payload(1000, "bye"), std::string("\x03\xe8", 2) + "bye");
  EXPECT_EQ(close_payload(4001, ""), std::string("\x0f\xa1", 2));
  EXPECT_EQ(close_payload(1009, "message too big"), std::string("\x03\xf1", 2) + "message too big");
}

TEST(WebSocketFrameHeader, ClosePayloadKeepsAtMost123BytesOfReason) {
  const std::string exact(123, 'r');
  EXPECT_EQ(close_payload(1000, exact).substr(2), exact);
  EXPECT_EQ(close_payload(1000, std::string(124, 'r')).substr(2), exact);
  EXPECT_EQ(close_payload(1000, std::string(500, 'r')).size(), 125u);
}

TEST(WebSocketFrameHeader, ClosePayloadCutsTheReasonAtACharacterBoundary) {
  // Characters of 2, 3 and 4 bytes straddling byte 123 at every offset.
  for (const std::string character : {"é", "結", "𝄞"}) {
    for (std::size_t ascii = 120; ascii <= 123; ++ascii) {
      const std::string reason = std::string(ascii, 'a') + character + "tail";
      const std::string payload = close_payload(1011, reason);
      const std::string kept = payload.substr(2);
      EXPECT_LE(payload.size(), 125u);
      EXPECT_TRUE(valid_utf8(kept)) << character << ' ' << ascii;
      const bool fits = ascii + character.size() <= 123;
      EXPECT_EQ(kept.size(), fits ? std::min<std::size_t>(reason.size(), 123) : ascii)
          << character << ' ' << ascii;
      EXPECT_EQ(kept, reason.substr(0, kept.size()));
    }
  }
  // Only multi-byte characters: 41 of 3 bytes make exactly 123.
  std::string japanese;
  for (int i = 0; i < 50; ++i)
    japanese += "結";
  EXPECT_EQ(close_payload(1008, japanese).size(), 2u + 123u);
}

}  // namespace
}  // namespace musubi::server::websocket
