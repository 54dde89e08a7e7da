#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/websocket/opcode.hpp"

namespace musubi::server::websocket {

// One complete message (text or binary, its fragments joined) or control frame from the peer.
struct Message {
  Opcode opcode;
  std::string_view payload;
};

// Why the connection must be failed (RFC 6455 §7.1.7): the close code to send and a short
// English reason (a static string).
struct ReadFailure {
  std::uint16_t close_code;
  std::string_view reason;
};

// Receives what FrameReader::read finds.
class MessageHandler {
 public:
  // Returns false to stop reading (after a close frame, say): read() returns at once, having
  // consumed that frame.
  virtual bool on_message(const Message& message) = 0;

 protected:
  ~MessageHandler() = default;
};

// What one FrameReader::read call did with the bytes it was given.
struct ReadResult {
  // Bytes used; the caller keeps the rest and calls again with more appended.
  std::size_t consumed = 0;
  // Set: the caller sends a close frame with this code and reads no more.
  std::optional<ReadFailure> failure;
  // The handler returned false.
  bool stopped = false;
};

// Whose frames a FrameReader parses: a client's are masked, a server's are not (RFC 6455 §5.1).
enum class Sender { client, server };

// The incremental parser of a peer's frames, fed whatever has arrived. A message in one frame
// is handed on where it lies in the caller's buffer, unmasked in place; only fragmented messages
// are copied, into a buffer that is given back when large so that idle connections hold nothing.
class FrameReader {
 public:
  explicit FrameReader(std::size_t max_message_bytes, Sender sender = Sender::client)
      : max_message_bytes_(max_message_bytes), sender_(sender) {}

  // Parses the frames wholly inside [data, data + size), unmasking their payloads in place, and
  // hands each complete message and control frame to `handler` in order. Payload views are valid
  // during on_message only. A frame whose header announces more than the size limit fails at
  // once, before its payload has arrived.
  ReadResult read(char* data, std::size_t size, MessageHandler& handler);

  // True when no fragmented message is being assembled (nothing is buffered).
  bool idle() const { return !in_message_; }

 private:
  std::size_t max_message_bytes_;
  Sender sender_;
  bool in_message_ = false;               // a fragmented message has begun
  Opcode message_opcode_ = Opcode::text;  // its opcode, from the first fragment
  std::string fragments_;                 // its payload so far
};

}  // namespace musubi::server::websocket
