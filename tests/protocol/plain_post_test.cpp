#include "protocol/plain_post.hpp"

#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/envelope.hpp"

// The plain reader of room.post against the general way (decode_request, then parse): whatever it
// reads must come out the same; whatever it leaves goes the general way.
namespace musubi::protocol {
namespace {

constexpr std::size_t kDepth = 16;

struct General {
  Request request;
  PostMessage body;
};

// The general way's reading of `text`, which must succeed.
General general(const std::string& text, const BodyLimits& limits = {}) {
  auto decoded = decode_request(text, kDepth);
  const auto* request = std::get_if<Request>(&decoded);
  EXPECT_NE(request, nullptr) << text;
  if (request == nullptr) return {};
  General out{*request, {}};
  const auto error = parse(request->body, limits, out.body);
  EXPECT_FALSE(error) << text << ": " << error->message;
  return out;
}

// Reads `text` both ways and expects the same request.
void expect_same(const std::string& text) {
  SCOPED_TRACE(text);
  const auto plain = read_plain_post(text, BodyLimits{}, kDepth);
  ASSERT_TRUE(plain) << "left to the general way";
  const General g = general(text);
  EXPECT_EQ(g.request.op, op::post);
  EXPECT_EQ(plain->id, g.request.id);
  EXPECT_EQ(plain->id.type(), g.request.id.type());
  EXPECT_EQ(plain->body.room, g.body.room);
  EXPECT_EQ(plain->body.text, g.body.text);
  EXPECT_EQ(plain->body.nonce, g.body.nonce);
  EXPECT_TRUE(plain->body.attachments.empty());
  EXPECT_TRUE(plain->body.addressing.mentions.empty());
  EXPECT_TRUE(plain->body.addressing.mention_professions.empty());
  EXPECT_FALSE(plain->body.addressing.requires_ack);
}

TEST(PlainPost, ReadsAPlainPostAsTheGeneralWayDoes) {
  expect_same(R"({"id":"7","op":"room.post","body":{"room":"r-1","text":"hello","nonce":"n-1"}})");
  expect_same(R"({"id":7,"op":"room.post","body":{"room":"r-1","text":"hello"}})");
  expect_same(R"({"id":0,"op":"room.post","body":{"room":"r-1","text":"x"}})");
  expect_same(R"({"id":123456789012345678,"op":"room.post","body":{"text":"x","room":"r-1"}})");
  // Any order, any whitespace.
  expect_same(R"({"body":{"nonce":"n","text":"t","room":"r"},"op":"room.post","id":"a"})");
  expect_same(
      " \t\r\n{ \"id\" : \"a\" ,\n\"op\":\"room.post\", \"body\" : { \"room\" : \"r\" , "
      "\"text\" : \"t\" } } \n");
  // Japanese, as typed, and every escape JSON has.
  expect_same(
      R"({"id":"a","op":"room.post","body":{"room":"r","text":"訪問しました。血圧 128/76、食事は半分。"}})");
  expect_same(
      R"({"id":"a","op":"room.post","body":{"room":"r","text":"line\none\t\"q\" \\ \/ \b\f\r"}})");
  expect_same(
      R"({"id":"a","op":"room.post","body":{"room":"r","text":"\u00e9\u3042\uD83D\uDE00\u0041"}})");
  expect_same(R"({"id":"\u0061","op":"room.\u0070ost","body":{"r\u006fom":"r","text":"t"}})");
  // At the limits: 64 characters of room and nonce, 64 bytes of id.
  expect_same(R"({"id":")" + std::string(64, 'i') + R"(","op":"room.post","body":{"room":")" +
              std::string(64, 'r') + R"(","text":"t","nonce":")" + std::string(64, 'n') + R"("}})");
}

TEST(PlainPost, TheTextLimitIsTheConfiguredOne) {
  BodyLimits limits;
  limits.max_text_chars = 5;
  const auto frame = [](const std::string& text) {
    return R"({"id":"a","op":"room.post","body":{"room":"r","text":")" + text + R"("}})";
  };
  EXPECT_TRUE(read_plain_post(frame("あいうえお"), limits, kDepth));  // characters, not bytes
  EXPECT_FALSE(read_plain_post(frame("あいうえおか"), limits, kDepth));
}

TEST(PlainPost, LeavesEverythingElseToTheGeneralWay) {
  const std::string body_start = R"({"id":"a","op":"room.post","body":{"room":"r",)";
  for (const std::string& text : std::vector<std::string>{
           // More than the plain shape: the general way reads these.
           body_start + R"("text":"t","attachments":["u-1"]}})",
           body_start + R"("text":"t","mentions":["sato"]}})",
           body_start + R"("text":"t","requires_ack":true}})",
           body_start + R"("text":"t","newer_field":1}})",
           R"({"id":"a","op":"room.post","body":{"room":"r","text":"t"},"extra":1})",
           body_start + R"("text":"t","nonce":null}})",
           body_start + R"("text":"t","text":"u"}})",
           R"({"id":"a","id":"b","op":"room.post","body":{"room":"r","text":"t"}})",
           // Another operation.
           R"({"id":"a","op":"room.history","body":{"room":"r"}})",
           R"({"id":"a","body":{"room":"r","text":"t"}})",
           // Wrong types and values out of bounds: the general way says which.
           body_start + R"("text":7}})",
           body_start + R"("text":""}})",
           body_start + R"("text":"t","nonce":""}})",
           R"({"id":"a","op":"room.post","body":{"room":"","text":"t"}})",
           R"({"id":"a","op":"room.post","body":{"room":")" + std::string(65, 'r') +
               R"(","text":"t"}})",
           R"({"id":"","op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":")" + std::string(65, 'i') +
               R"(","op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":-1,"op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":1.5,"op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":1e3,"op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":01,"op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":1234567890123456789,"op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":null,"op":"room.post","body":{"room":"r","text":"t"}})",
           R"({"id":"a","op":"room.post","body":null})",
           R"({"id":"a","op":"room.post","body":[]})",
           // Not JSON, or not valid text.
           body_start + R"("text":"\ud83d"}})",
           body_start + R"("text":"\ude00"}})",
           body_start + R"("text":"\ud83d\u0041"}})",
           body_start + R"("text":"\x"}})",
           body_start + R"("text":"\u12G4"}})",
           body_start + "\"text\":\"a\x01\"}}",
           body_start + "\"text\":\"\xC3\x28\"}}",
           body_start + "\"text\":\"\xED\xA0\x80\"}}",
           body_start + R"("text":"t",}})",
           body_start + R"("text":"t"}} x)",
           body_start + R"("text":"t"})",
           body_start + R"("text":"t)",
           std::string("\xEF\xBB\xBF") +
               R"({"id":"a","op":"room.post","body":{"room":"r","text":"t"}})",
           std::string("[]"),
           std::string(""),
       }) {
    EXPECT_FALSE(read_plain_post(text, BodyLimits{}, kDepth)) << text;
  }
}

TEST(PlainPost, LeavesItToTheGeneralWayWhenTheDepthLimitIsBelowAPostsDepth) {
  const std::string text = R"({"id":"a","op":"room.post","body":{"room":"r","text":"t"}})";
  EXPECT_TRUE(read_plain_post(text, BodyLimits{}, 2));
  EXPECT_FALSE(read_plain_post(text, BodyLimits{}, 1));
}

}  // namespace
}  // namespace musubi::protocol
