// Every kind of bad input gets its documented error or close, and the server keeps serving.
#include <gtest/gtest.h>

#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

class BadInput : public ::testing::Test {
 protected:
  BadInput()
      : server([](server::ServerConfig& c) {
          c.limits.max_frame_bytes = 4096;
          c.limits.max_json_depth = 8;
          c.limits.max_text_chars = 100;
        }) {
    server.add_user("sato");
  }

  // The server still serves a well-behaved client.
  void expect_server_healthy() {
    auto c = server.sign_in("sato");
    ok(c->request("room.list", json::object()));
  }

  // The next reply, whatever its id (bad frames may have none).
  static protocol::ServerFrame next_reply(client::ClientConnection& c) {
    auto f = c.next_frame(kWait);
    EXPECT_TRUE(f) << "no reply";
    EXPECT_EQ(f ? int(f->kind) : -1, int(protocol::ServerFrame::Kind::reply));
    return f.value_or(protocol::ServerFrame{});
  }

  TestServer server;
};

TEST_F(BadInput, MalformedJsonIsAnsweredThenClosedWith1007) {
  auto c = server.connect();
  c->send_text("{\"id\": 1, \"op\": ");
  const auto reply = next_reply(*c);
  expect_error(reply, "malformed_json");
  EXPECT_TRUE(reply.id.is_null());
  const auto closed = c->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1007);
  expect_server_healthy();
}

TEST_F(BadInput, InvalidUtf8InATextFrameClosesWith1007) {
  auto c = server.connect();
  // RFC 6455 requires text frames to be UTF-8; the WebSocket layer fails the connection itself.
  c->send_text("{\"id\":1,\"op\":\"room.list\",\"body\":{\"x\":\"\xff\xfe\"}}");
  const auto closed = c->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1007);
  expect_server_healthy();
}

TEST_F(BadInput, DeeplyNestedJsonIsRefusedBeforeParsing) {
  auto c = server.connect();
  c->send_text(std::string(2000, '[') + std::string(2000, ']'));
  expect_error(next_reply(*c), "too_deep");
  const auto closed = c->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1008);
  expect_server_healthy();
}

TEST_F(BadInput, FrameOverTheLimitClosesWith1009) {
  auto c = server.connect();
  c->send_text("{\"id\":1,\"op\":\"room.list\",\"body\":{\"pad\":\"" + std::string(5000, 'a') +
               "\"}}");
  const auto closed = c->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1009);
  expect_server_healthy();
}

TEST_F(BadInput, BinaryFrameIsRefusedAndClosedWith1003) {
  auto c = server.connect();
  c->send_binary(std::string("\x00\x01\x02", 3));
  expect_error(next_reply(*c), "unsupported_frame");
  const auto closed = c->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1003);
}

TEST_F(BadInput, EnvelopeErrorsKeepTheConnectionUsable) {
  auto c = server.connect();
  c->send_text("[1,2,3]");
  expect_error(next_reply(*c), "invalid_request");
  c->send_text(R"({"op":"room.list"})");
  expect_error(next_reply(*c), "invalid_request");
  c->send_text(R"({"id":-5,"op":"room.list"})");
  expect_error(next_reply(*c), "invalid_request");
  c->send_text(R"({"id":"x","op":42})");
  auto reply = next_reply(*c);
  expect_error(reply, "invalid_request");
  EXPECT_EQ(reply.id, "x");
  c->send_text(R"({"id":"y","op":"room.list","body":[1]})");
  expect_error(next_reply(*c), "invalid_request");
  // Still usable.
  ok(c->request("session.sign_in", {{"login", "sato"}, {"password", kPassword}}));
}

TEST_F(BadInput, UnknownOperationIsNamed) {
  auto c = server.connect();
  const auto reply = c->request("room.explode", json::object());
  expect_error(reply, "unknown_op");
  EXPECT_NE(reply.error_message.find("room.explode"), std::string::npos);
  ok(c->request("session.sign_in", {{"login", "sato"}, {"password", kPassword}}));
}

TEST_F(BadInput, OperationBeforeSignInIsUnauthenticated) {
  auto c = server.connect();
  for (const char* op : {"room.list", "request.file", "patient.register", "room.post",
                         "room.history", "room.subscribe", "room.add_member", "session.sign_out"}) {
    expect_error(c->request(op, json::object()), "unauthenticated");
  }
}

TEST_F(BadInput, MissingAndWronglyTypedFieldsAreNamed) {
  auto c = server.sign_in("sato");
  auto reply = c->request("room.post", {{"text", "hello"}});
  expect_error(reply, "invalid_request");
  EXPECT_EQ(reply.error_message, "body.room: required");
  reply = c->request("room.post", {{"room", 12}, {"text", "hello"}});
  expect_error(reply, "invalid_request");
  EXPECT_EQ(reply.error_message, "body.room: expected a string");
  reply = c->request("room.history", {{"room", "abc"}, {"limit", "10"}});
  EXPECT_EQ(reply.error_message, "body.limit: expected an integer");
  reply = c->request("room.subscribe", {{"rooms", {{{"room", "abc"}, {"after", -1}}}}});
  expect_error(reply, "invalid_request");
  EXPECT_EQ(reply.error_message, "body.rooms[0].after: must be between 0 and 9223372036854775807");
  reply = c->request("session.sign_in", {{"login", "sato"}});
  expect_error(reply, "invalid_request");
  ok(c->request("room.list", json::object()));
}

TEST_F(BadInput, MessageOverTheLengthLimitIsTooLarge) {
  auto c = server.sign_in("sato");
  const auto room = create_room(server, *c, "room");
  // 100 characters of Japanese text are fine (300 bytes); 101 are not.
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "あ";
  post(*c, room, text);
  const auto reply = c->request("room.post", {{"room", room}, {"text", text + "あ"}});
  expect_error(reply, "too_large");
  EXPECT_EQ(reply.error_message, "body.text: must have at most 100 characters");
  expect_error(c->request("room.post", {{"room", room}, {"text", ""}}), "invalid_request");
}

TEST_F(BadInput, RequestFloodIsRateLimited) {
  auto c = server.connect();
  const int burst = int(server.config().limits.request_burst);
  std::vector<std::string> ids;
  for (int i = 0; i < burst + 20; ++i)
    ids.push_back(c->send_request("nope", json::object()));
  int limited = 0;
  for (int i = 0; i < burst + 20; ++i) {
    const auto f = c->next_frame(kWait);
    ASSERT_TRUE(f);
    limited += f->error_code == "rate_limited";
  }
  EXPECT_GE(limited, 10);
  expect_server_healthy();
}

TEST_F(BadInput, AnswersEveryoneElseWhileOneClientMisbehaves) {
  auto good = server.sign_in("sato");
  const auto room = create_room(server, *good, "room");
  auto bad = server.connect();
  bad->send_text("{]");
  post(*good, room, "still here");
  ASSERT_TRUE(bad->wait_closed(kWait));
  post(*good, room, "and here");
}

}  // namespace
}  // namespace musubi::testing
