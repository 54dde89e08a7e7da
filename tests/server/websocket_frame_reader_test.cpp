#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "server/websocket/frame_reader.hpp"

namespace {
// Heap allocations made by this thread while counting is on (see
// AllocatesNothingForOneFrameMessagesAndControlFrames).
thread_local bool counting_allocations = false;
thread_local int allocations = 0;

void* allocate(std::size_t size) {
  if (counting_allocations) ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}

// Out of line: inlined into a caller, free() on memory from operator new draws a false warning.
[[gnu::noinline]] void release(void* p) noexcept {
  std::free(p);
}
}  // namespace

// Every form is replaced, so that whatever allocates also frees through malloc and free.
void* operator new(std::size_t size) {
  if (void* p = allocate(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size);
}
void operator delete(void* p) noexcept {
  release(p);
}
void operator delete[](void* p) noexcept {
  release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release(p);
}

namespace musubi::server::websocket {
namespace {

// How a test frame departs from a well-formed client frame.
struct FrameShape {
  bool fin = true;
  bool masked = true;
  std::uint8_t reserved_bits = 0;  // ORed into the first byte
  int length_form = 0;             // 0: the shortest; 16 or 64: that one, minimal or not
};

// A client frame with a random masking key, from a fixed seed.
std::string client_frame(Opcode opcode, std::string_view payload, FrameShape shape = {}) {
  static std::mt19937 masks(6455);
  std::string frame;
  frame += static_cast<char>((shape.fin ? 0x80 : 0) | shape.reserved_bits |
                             static_cast<std::uint8_t>(opcode));
  const int mask_bit = shape.masked ? 0x80 : 0;
  const std::uint64_t n = payload.size();
  int form = shape.length_form;
  if (form == 0) form = n < 126 ? 7 : n <= 0xffff ? 16 : 64;
  if (form == 7) frame += static_cast<char>(mask_bit | static_cast<int>(n));
  if (form == 16) frame += static_cast<char>(mask_bit | 126);
  if (form == 64) frame += static_cast<char>(mask_bit | 127);
  for (int shift = form - 8; form != 7 && shift >= 0; shift -= 8) {
    frame += static_cast<char>((n >> shift) & 0xff);
  }
  std::array<char, 4> mask{};
  for (char& byte : mask) {
    byte = static_cast<char>(masks() & 0xff);
  }
  if (shape.masked) frame.append(mask.data(), mask.size());
  for (std::size_t i = 0; i < payload.size(); ++i) {
    frame += shape.masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i];
  }
  return frame;
}

std::string close_body(std::uint16_t code, std::string_view reason = "") {
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)} +
         std::string(reason);
}

using Received = std::pair<Opcode, std::string>;

// Keeps a copy of each message, and where its payload lay; stops after a close frame.
struct Recorder final : MessageHandler {
  std::vector<Received> messages;
  std::vector<const char*> payload_addresses;
  bool on_message(const Message& message) override {
    messages.emplace_back(message.opcode, std::string(message.payload));
    payload_addresses.push_back(message.payload.data());
    return message.opcode != Opcode::close;
  }
};

// What reading a whole stream gave.
struct Outcome {
  std::vector<Received> messages;
  std::optional<ReadFailure> failure;
  bool stopped = false;
  std::size_t left_over = 0;  // bytes never consumed
};

// Plays the caller: appends each piece to the bytes not yet consumed and reads again.
Outcome feed(FrameReader& reader, std::string_view stream, const std::vector<std::size_t>& pieces) {
  Recorder recorder;
  Outcome outcome;
  std::string pending;
  std::size_t at = 0;
  for (const std::size_t piece : pieces) {
    pending.append(stream.substr(at, piece));
    at += piece;
    const ReadResult result = reader.read(pending.data(), pending.size(), recorder);
    pending.erase(0, result.consumed);
    outcome.failure = result.failure;
    outcome.stopped = result.stopped;
    if (result.failure || result.stopped) break;
  }
  outcome.messages = std::move(recorder.messages);
  outcome.left_over = pending.size();
  return outcome;
}

Outcome read_whole(std::string_view stream, std::size_t max_message_bytes = 1 << 20) {
  FrameReader reader(max_message_bytes);
  return feed(reader, stream, {stream.size()});
}

std::uint16_t failure_code(const Outcome& outcome) {
  return outcome.failure ? outcome.failure->close_code : 0;
}

bool lies_within(const void* object, std::size_t size, const char* p) {
  const auto* begin = static_cast<const char*>(object);
  return !std::less<const char*>()(p, begin) && std::less<const char*>()(p, begin + size);
}

TEST(WebSocketFrameReader, HandsOnAnUnfragmentedMessageWhereItLiesUnmasked) {
  FrameReader reader(1024);
  Recorder recorder;
  std::string stream = client_frame(Opcode::text, R"({"op":"room.list"})");
  const ReadResult result = reader.read(stream.data(), stream.size(), recorder);
  EXPECT_EQ(result.consumed, stream.size());
  EXPECT_FALSE(result.failure);
  EXPECT_FALSE(result.stopped);
  ASSERT_EQ(recorder.messages.size(), 1u);
  EXPECT_EQ(recorder.messages[0], Received(Opcode::text, R"({"op":"room.list"})"));
  EXPECT_EQ(recorder.payload_addresses[0], stream.data() + 6);  // not copied
  EXPECT_EQ(stream.substr(6), R"({"op":"room.list"})");         // unmasked in place
  EXPECT_TRUE(reader.idle());
}

// Receives without allocating, so that the count sees the reader's allocations only.
struct CountingHandler final : MessageHandler {
  int messages = 0;
  bool on_message(const Message&) override {
    ++messages;
    return true;
  }
};

TEST(WebSocketFrameReader, AllocatesNothingForOneFrameMessagesAndControlFrames) {
  std::string stream = client_frame(Opcode::text, "訪問 ok") +
                       client_frame(Opcode::binary, std::string(70000, '\xfe')) +
                       client_frame(Opcode::text, std::string(300, 'j')) +
                       client_frame(Opcode::ping, "p") + client_frame(Opcode::pong, "") +
                       client_frame(Opcode::close, close_body(1000, "bye"));
  FrameReader reader(1 << 20);
  CountingHandler handler;
  counting_allocations = true;
  allocations = 0;
  const ReadResult result = reader.read(stream.data(), stream.size(), handler);
  counting_allocations = false;
  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(handler.messages, 6);
  EXPECT_EQ(result.consumed, stream.size());
}

TEST(WebSocketFrameReader, ReadsLengthsAtTheEncodingBoundaries) {
  std::mt19937 random(1);
  for (const std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) {
    std::string payload(n, '\0');
    for (char& c : payload)
      c = static_cast<char>(random() & 0xff);
    const std::string frame = client_frame(Opcode::binary, payload);
    EXPECT_EQ(frame.size(), (n < 126 ? 2 : n < 65536 ? 4 : 10) + 4 + n);
    const Outcome outcome = read_whole(frame);
    EXPECT_FALSE(outcome.failure) << n;
    EXPECT_EQ(outcome.left_over, 0u) << n;
    ASSERT_EQ(outcome.messages.size(), 1u) << n;
    EXPECT_EQ(outcome.messages[0], Received(Opcode::binary, payload)) << n;
  }
}

TEST(WebSocketFrameReader, RefusesLengthsNotInTheirShortestFormWith1002) {
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::text, "hello", {.length_form = 16}))),
            1002);
  EXPECT_EQ(failure_code(
                read_whole(client_frame(Opcode::text, std::string(125, 'x'), {.length_form = 16}))),
            1002);
  EXPECT_EQ(failure_code(read_whole(
                client_frame(Opcode::binary, std::string(65535, 'x'), {.length_form = 64}))),
            1002);
  EXPECT_EQ(failure_code(read_whole(
                client_frame(Opcode::binary, std::string(300, 'x'), {.length_form = 64}))),
            1002);
}

TEST(WebSocketFrameReader, RefusesA64BitLengthWithTheTopBitSetWith1002) {
  const std::string header(
      "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01"
      "mask",
      14);
  EXPECT_EQ(failure_code(read_whole(header)), 1002);
}

TEST(WebSocketFrameReader, RefusesReservedBitsWith1002) {
  for (const int bit : {0x40, 0x20, 0x10}) {
    const Outcome outcome = read_whole(
        client_frame(Opcode::text, "x", {.reserved_bits = static_cast<std::uint8_t>(bit)}));
    EXPECT_EQ(failure_code(outcome), 1002) << bit;
    EXPECT_TRUE(outcome.messages.empty());
  }
}

TEST(WebSocketFrameReader, RefusesReservedOpcodesWith1002) {
  for (const int opcode : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
    EXPECT_EQ(failure_code(read_whole(client_frame(static_cast<Opcode>(opcode), "x"))), 1002)
        << opcode;
  }
}

TEST(WebSocketFrameReader, RefusesAnUnmaskedFrameWith1002) {
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::text, "x", {.masked = false}))), 1002);
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::ping, "", {.masked = false}))), 1002);
}

// A client (the load generator) reads the server's frames: unmasked, and a masked one is refused.
TEST(WebSocketFrameReader, ReadsAServersUnmaskedFramesAndRefusesMaskedOnes) {
  const std::string text = R"({"event":"room.event"})";
  const auto stream = client_frame(Opcode::text, text, {.masked = false}) +
                      client_frame(Opcode::ping, "p", {.masked = false});
  FrameReader reader(1024, Sender::server);
  const auto outcome = feed(reader, stream, {5, stream.size() - 5});
  EXPECT_FALSE(outcome.failure);
  ASSERT_EQ(outcome.messages.size(), 2u);
  EXPECT_EQ(outcome.messages[0], Received(Opcode::text, text));
  EXPECT_EQ(outcome.messages[1], Received(Opcode::ping, "p"));

  FrameReader refusing(1024, Sender::server);
  const auto masked = client_frame(Opcode::text, "x");
  EXPECT_EQ(failure_code(feed(refusing, masked, {masked.size()})), 1002);
}

TEST(WebSocketFrameReader, RefusesFragmentedOrLongControlFramesWith1002) {
  for (const Opcode opcode : {Opcode::ping, Opcode::pong, Opcode::close}) {
    EXPECT_EQ(failure_code(read_whole(client_frame(opcode, "", {.fin = false}))), 1002);
  }
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::ping, std::string(126, 'x')))), 1002);
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::pong, std::string(126, 'x')))), 1002);
  EXPECT_EQ(failure_code(
                read_whole(client_frame(Opcode::close, close_body(1000) + std::string(124, 'x')))),
            1002);
  const Outcome longest = read_whole(client_frame(Opcode::ping, std::string(125, 'x')));
  EXPECT_FALSE(longest.failure);
  EXPECT_EQ(longest.messages.size(), 1u);
}

TEST(WebSocketFrameReader, RefusesAContinuationWithoutAMessageWith1002) {
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::continuation, "x"))), 1002);
  // A finished message leaves none in progress.
  const Outcome after =
      read_whole(client_frame(Opcode::text, "a", {.fin = false}) +
                 client_frame(Opcode::continuation, "b") + client_frame(Opcode::continuation, "c"));
  EXPECT_EQ(failure_code(after), 1002);
  EXPECT_EQ(after.messages, std::vector<Received>{Received(Opcode::text, "ab")});
}

TEST(WebSocketFrameReader, RefusesANewMessageInsideAFragmentedOneWith1002) {
  for (const Opcode opcode : {Opcode::text, Opcode::binary}) {
    const Outcome outcome =
        read_whole(client_frame(Opcode::binary, "a", {.fin = false}) + client_frame(opcode, "b"));
    EXPECT_EQ(failure_code(outcome), 1002);
    EXPECT_TRUE(outcome.messages.empty());
  }
}

TEST(WebSocketFrameReader, RefusesATooBigFrameWith1009FromItsHeaderAlone) {
  const std::string frame = client_frame(Opcode::binary, std::string(5000, 'x'));
  FrameReader reader(4999);
  const Outcome outcome = feed(reader, frame, {8});  // header and mask, no payload yet
  EXPECT_EQ(failure_code(outcome), 1009);
  EXPECT_EQ(outcome.left_over, 8u);

  const std::string huge(
      "\x81\xff\x00\x00\x01\x00\x00\x00\x00\x00"
      "mask",
      14);  // 1 TiB
  EXPECT_EQ(failure_code(read_whole(huge)), 1009);
  EXPECT_FALSE(read_whole(frame, 5000).failure);  // exactly at the limit
}

TEST(WebSocketFrameReader, RefusesFragmentsAddingUpPastTheLimitWith1009) {
  const std::string first = client_frame(Opcode::text, std::string(60, 'x'), {.fin = false});
  const std::string second = client_frame(Opcode::continuation, std::string(41, 'x'));
  FrameReader reader(100);
  const Outcome outcome = feed(reader, first + second, {first.size(), 6});
  EXPECT_EQ(failure_code(outcome), 1009);
  EXPECT_TRUE(outcome.messages.empty());

  const Outcome at_limit =
      read_whole(first + client_frame(Opcode::continuation, std::string(40, 'x')), 100);
  EXPECT_FALSE(at_limit.failure);
  ASSERT_EQ(at_limit.messages.size(), 1u);
  EXPECT_EQ(at_limit.messages[0].second.size(), 100u);
}

TEST(WebSocketFrameReader, ReassemblesAFragmentedMessage) {
  FrameReader reader(1024);
  Recorder recorder;
  std::string first = client_frame(Opcode::binary, "one ", {.fin = false});
  std::string rest = client_frame(Opcode::continuation, "", {.fin = false}) +
                     client_frame(Opcode::continuation, "two ", {.fin = false}) +
                     client_frame(Opcode::continuation, "three");
  EXPECT_TRUE(reader.idle());
  EXPECT_EQ(reader.read(first.data(), first.size(), recorder).consumed, first.size());
  EXPECT_FALSE(reader.idle());
  EXPECT_TRUE(recorder.messages.empty());
  EXPECT_EQ(reader.read(rest.data(), rest.size(), recorder).consumed, rest.size());
  EXPECT_TRUE(reader.idle());
  EXPECT_EQ(recorder.messages, std::vector<Received>{Received(Opcode::binary, "one two three")});
}

TEST(WebSocketFrameReader, RefusesTextThatIsNotUtf8With1007) {
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::text, "\xc0\x80"))), 1007);
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::text, "ok \xed\xa0\x80"))), 1007);
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::text, "ok", {.fin = false}) +
                                    client_frame(Opcode::continuation, "\xff"))),
            1007);
  // A fragment that ends inside a character is no failure, but a message that does is.
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::text, "a", {.fin = false}) +
                                    client_frame(Opcode::continuation, "\xe7\xb5"))),
            1007);
  EXPECT_FALSE(read_whole(client_frame(Opcode::binary, "\xc0\x80\xff")).failure);
}

TEST(WebSocketFrameReader, AcceptsACharacterSplitAcrossTwoFragments) {
  const Outcome outcome = read_whole(client_frame(Opcode::text, "柏\xe5\xb8", {.fin = false}) +
                                     client_frame(Opcode::continuation, "\x82 𝄞"));
  EXPECT_FALSE(outcome.failure);
  EXPECT_EQ(outcome.messages, std::vector<Received>{Received(Opcode::text, "柏市 𝄞")});
}

TEST(WebSocketFrameReader, ChecksClosePayloads) {
  const Outcome empty = read_whole(client_frame(Opcode::close, ""));
  EXPECT_FALSE(empty.failure);
  EXPECT_EQ(empty.messages, std::vector<Received>{Received(Opcode::close, "")});
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::close, "\x03"))), 1002);
  for (const int code :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999}) {
    const Outcome outcome = read_whole(
        client_frame(Opcode::close, close_body(static_cast<std::uint16_t>(code), "さようなら")));
    EXPECT_FALSE(outcome.failure) << code;
    EXPECT_EQ(outcome.messages.size(), 1u) << code;
  }
  for (const int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
    EXPECT_EQ(failure_code(read_whole(
                  client_frame(Opcode::close, close_body(static_cast<std::uint16_t>(code))))),
              1002)
        << code;
  }
  EXPECT_EQ(failure_code(read_whole(client_frame(Opcode::close, close_body(1000, "\xed\xa0\x80")))),
            1007);
}

TEST(WebSocketFrameReader, DeliversControlFramesInsideAFragmentedMessageAtOnce) {
  const Outcome outcome = read_whole(
      client_frame(Opcode::text, "頭", {.fin = false}) + client_frame(Opcode::ping, "are you") +
      client_frame(Opcode::continuation, "\xe3", {.fin = false}) +
      client_frame(Opcode::pong, "there") + client_frame(Opcode::continuation, "\x81\x82"));
  EXPECT_FALSE(outcome.failure);
  EXPECT_EQ(outcome.messages, (std::vector<Received>{{Opcode::ping, "are you"},
                                                     {Opcode::pong, "there"},
                                                     {Opcode::text, "頭\xe3\x81\x82"}}));
}

TEST(WebSocketFrameReader, StopsWhenTheHandlerSaysSo) {
  FrameReader reader(1024);
  Recorder recorder;
  const std::string close = client_frame(Opcode::close, close_body(1000, "bye"));
  const std::string after = client_frame(Opcode::text, "after");
  std::string stream = close + after;
  const ReadResult result = reader.read(stream.data(), stream.size(), recorder);
  EXPECT_TRUE(result.stopped);
  EXPECT_FALSE(result.failure);
  EXPECT_EQ(result.consumed, close.size());
  EXPECT_EQ(recorder.messages,
            std::vector<Received>{Received(Opcode::close, close_body(1000, "bye"))});
  EXPECT_EQ(stream.substr(close.size()), after);  // the next frame was not even unmasked
}

TEST(WebSocketFrameReader, LeavesAPartialFrameUnconsumedAndUnmasksItOnce) {
  FrameReader reader(1024);
  Recorder recorder;
  const std::string first = client_frame(Opcode::text, "one");
  const std::string second = client_frame(Opcode::text, "the second message");
  // The caller hands the same leftover bytes again and again as more arrive.
  for (const std::size_t partial :
       {std::size_t{1}, std::size_t{2}, std::size_t{6}, std::size_t{9}}) {
    std::string pending = first + second.substr(0, partial);
    const ReadResult result = reader.read(pending.data(), pending.size(), recorder);
    EXPECT_EQ(result.consumed, first.size()) << partial;
    EXPECT_EQ(pending.substr(first.size()), second.substr(0, partial)) << partial;
  }
  recorder.messages.clear();
  std::string pending = second.substr(0, 9);
  EXPECT_EQ(reader.read(pending.data(), pending.size(), recorder).consumed, 0u);
  pending += second.substr(9);
  EXPECT_EQ(reader.read(pending.data(), pending.size(), recorder).consumed, second.size());
  EXPECT_EQ(recorder.messages, std::vector<Received>{Received(Opcode::text, "the second message")});
}

// Every kind of frame and length form, in a valid order.
std::string long_valid_stream() {
  std::string binary(70000, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i)
    binary[i] = static_cast<char>(i * 7);
  return client_frame(Opcode::text, "first") + client_frame(Opcode::ping, "p") +
         client_frame(Opcode::text, std::string(300, 'x')) +
         client_frame(Opcode::text, "frag", {.fin = false}) +
         client_frame(Opcode::continuation, std::string(200, 'y'), {.fin = false}) +
         client_frame(Opcode::pong, "") + client_frame(Opcode::continuation, "ment") +
         client_frame(Opcode::binary, binary) +
         client_frame(Opcode::binary, std::string(6000, 'z'), {.fin = false}) +
         client_frame(Opcode::continuation, "!") + client_frame(Opcode::text, "") +
         client_frame(Opcode::close, close_body(1001, "going away"));
}

TEST(WebSocketFrameReader, GivesTheSameMessagesByteByByte) {
  const std::string stream = long_valid_stream();
  const Outcome whole = read_whole(stream);
  ASSERT_FALSE(whole.failure);
  ASSERT_EQ(whole.messages.size(), 9u);
  EXPECT_TRUE(whole.stopped);
  EXPECT_EQ(whole.messages[4].second, "frag" + std::string(200, 'y') + "ment");
  FrameReader reader(1 << 20);
  const Outcome byte_by_byte = feed(reader, stream, std::vector<std::size_t>(stream.size(), 1));
  EXPECT_FALSE(byte_by_byte.failure);
  EXPECT_TRUE(byte_by_byte.stopped);
  EXPECT_EQ(byte_by_byte.left_over, 0u);
  EXPECT_TRUE(byte_by_byte.messages == whole.messages);
}

TEST(WebSocketFrameReader, GivesTheSameMessagesWhereverTheStreamIsSplit) {
  const std::string stream = long_valid_stream();
  const Outcome whole = read_whole(stream);
  std::mt19937 random(20240611);
  for (int round = 0; round < 200; ++round) {
    const std::size_t largest = round % 2 == 0 ? 16 : 9000;
    std::vector<std::size_t> pieces;
    for (std::size_t left = stream.size(); left > 0;) {
      pieces.push_back(std::min<std::size_t>(left, 1 + random() % largest));
      left -= pieces.back();
    }
    FrameReader reader(1 << 20);
    const Outcome split = feed(reader, stream, pieces);
    EXPECT_FALSE(split.failure) << round;
    EXPECT_TRUE(split.stopped) << round;
    ASSERT_TRUE(split.messages == whole.messages) << round;
  }
}

TEST(WebSocketFrameReader, GivesBackTheBufferOfALargeFragmentedMessage) {
  FrameReader reader(1 << 20);
  // A short message fits in std::string's inline buffer, inside the reader itself, only
  // when no heap buffer is held: where its payload lies tells what the reader keeps.
  const auto short_message_is_inline = [&reader] {
    Recorder recorder;
    std::string stream =
        client_frame(Opcode::text, "ab", {.fin = false}) + client_frame(Opcode::continuation, "c");
    reader.read(stream.data(), stream.size(), recorder);
    EXPECT_EQ(recorder.messages, std::vector<Received>{Received(Opcode::text, "abc")});
    return lies_within(&reader, sizeof reader, recorder.payload_addresses.at(0));
  };
  const auto fragmented = [&reader](std::size_t size) {
    Recorder recorder;
    std::string stream = client_frame(Opcode::binary, std::string(size / 2, 'a'), {.fin = false}) +
                         client_frame(Opcode::continuation, std::string(size - size / 2, 'b'));
    reader.read(stream.data(), stream.size(), recorder);
    EXPECT_EQ(recorder.messages.at(0).second.size(), size);
    EXPECT_TRUE(reader.idle());
  };
  EXPECT_TRUE(short_message_is_inline());
  fragmented(3000);  // small enough to keep for the next one
  EXPECT_FALSE(short_message_is_inline());
  fragmented(100000);
  EXPECT_TRUE(short_message_is_inline());
}

}  // namespace
}  // namespace musubi::server::websocket
