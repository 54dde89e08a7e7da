// Fuzz target: what a client sends once its WebSocket is open, read as WebSocketSession reads it.
// Bytes arrive a read at a time, each read into a buffer of its own (so that ASan sees any read
// beyond it); whole frames are parsed in place, and what is left is kept and parsed again with
// the next read. Every message handed on must obey the protocol's rules.
//
// The first input byte sets how many bytes arrive per read (1 to 256).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/websocket/frame_reader.hpp"
#include "server/websocket/utf8.hpp"

namespace {

namespace ws = musubi::server::websocket;

// Small, so that the fuzzer reaches the size limit with short inputs.
constexpr std::size_t kMaxMessageBytes = 1024;

class CheckingHandler : public ws::MessageHandler {
 public:
  bool on_message(const ws::Message& message) override {
    switch (message.opcode) {
      case ws::Opcode::text:
        if (!ws::valid_utf8(message.payload)) std::abort();
        [[fallthrough]];
      case ws::Opcode::binary:
        if (message.payload.size() > kMaxMessageBytes) std::abort();
        return true;
      case ws::Opcode::ping:
      case ws::Opcode::pong:
        if (message.payload.size() > 125) std::abort();
        return true;
      case ws::Opcode::close: return false;         // the session reads no more after a close
      case ws::Opcode::continuation: std::abort();  // fragments are joined, never handed on
    }
    std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = std::size_t{data[0]} + 1;
  const char* bytes = reinterpret_cast<const char*>(data) + 1;
  std::size_t left = size - 1;

  ws::FrameReader reader(kMaxMessageBytes);
  CheckingHandler handler;
  std::string received;  // bytes of a frame not yet whole
  while (left > 0) {
    const std::size_t n = std::min(chunk, left);
    std::vector<char> read(bytes, bytes + n);
    bytes += n;
    left -= n;
    ws::ReadResult result;
    if (received.empty()) {
      result = reader.read(read.data(), read.size(), handler);
      if (result.consumed > read.size()) std::abort();
      if (!result.failure && !result.stopped) {
        received.assign(read.data() + result.consumed, read.size() - result.consumed);
      }
    } else {
      received.append(read.data(), read.size());
      result = reader.read(received.data(), received.size(), handler);
      if (result.consumed > received.size()) std::abort();
      received.erase(0, result.consumed);
    }
    if (result.failure) {
      if (result.failure->reason.empty()) std::abort();
      return 0;
    }
    if (result.stopped) return 0;
  }
  return 0;
}
