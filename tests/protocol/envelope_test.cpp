#include "protocol/envelope.hpp"

#include <string>
#include <variant>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace musubi::protocol {
namespace {

using nlohmann::json;

constexpr std::size_t kDepth = 16;

Request decode_ok(std::string_view text) {
  auto decoded = decode_request(text, kDepth);
  if (auto* error = std::get_if<DecodeError>(&decoded)) {
    ADD_FAILURE() << "unexpected " << to_string(error->code) << ": " << error->message;
    return {};
  }
  return std::get<Request>(std::move(decoded));
}

DecodeError decode_error(std::string_view text, std::size_t max_depth = kDepth) {
  auto decoded = decode_request(text, max_depth);
  if (std::holds_alternative<Request>(decoded)) {
    ADD_FAILURE() << "expected an error for " << text;
    return {Errc::internal, "", nullptr};
  }
  return std::get<DecodeError>(std::move(decoded));
}

constexpr const char* kBadIdMessage =
    "\"id\" must be a non-empty string of at most 64 bytes or a non-negative integer";

// --- decode_request --------------------------------------------------------------------------

TEST(DecodeRequest, ReadsIdOpAndBody) {
  const auto r =
      decode_ok(R"({"id":"7","op":"room.post","body":{"room":"r1","text":"こんにちは"}})");
  EXPECT_EQ(r.id, json("7"));
  EXPECT_EQ(r.op, "room.post");
  EXPECT_EQ(r.body, json({{"room", "r1"}, {"text", "こんにちは"}}));
}

TEST(DecodeRequest, KeysMayComeInAnyOrderAndUnknownKeysAreIgnored) {
  const auto r = decode_ok(R"({"body":{},"extra":[1,2],"op":"room.list","id":1})");
  EXPECT_EQ(r.id, json(1));
  EXPECT_EQ(r.op, "room.list");
  EXPECT_EQ(r.body, json::object());
}

TEST(DecodeRequest, IntegerIdIsKeptAsAnInteger) {
  const auto r = decode_ok(R"({"id":42,"op":"room.list"})");
  ASSERT_TRUE(r.id.is_number_integer());
  EXPECT_EQ(r.id.get<std::int64_t>(), 42);
  EXPECT_EQ(dump(r.id), "42");
}

TEST(DecodeRequest, ZeroAndLargeUnsignedIdsAreAccepted) {
  EXPECT_EQ(decode_ok(R"({"id":0,"op":"x"})").id, json(0));
  EXPECT_EQ(decode_ok(R"({"id":18446744073709551615,"op":"x"})").id, json(18446744073709551615ull));
}

TEST(DecodeRequest, NegativeIdIsRefusedWithoutEchoingIt) {
  const auto e = decode_error(R"({"id":-1,"op":"room.list"})");
  EXPECT_EQ(e.code, Errc::invalid_request);
  EXPECT_EQ(e.message, kBadIdMessage);
  EXPECT_TRUE(e.id.is_null());
}

TEST(DecodeRequest, NonIntegerNumberIdIsRefused) {
  const auto e = decode_error(R"({"id":1.5,"op":"room.list"})");
  EXPECT_EQ(e.code, Errc::invalid_request);
  EXPECT_EQ(e.message, kBadIdMessage);
}

TEST(DecodeRequest, IdOfOtherTypesIsRefused) {
  for (const char* text : {R"({"id":true,"op":"x"})", R"({"id":null,"op":"x"})",
                           R"({"id":["1"],"op":"x"})", R"({"id":{"a":1},"op":"x"})"}) {
    const auto e = decode_error(text);
    EXPECT_EQ(e.code, Errc::invalid_request) << text;
    EXPECT_EQ(e.message, kBadIdMessage) << text;
    EXPECT_TRUE(e.id.is_null()) << text;
  }
}

TEST(DecodeRequest, EmptyStringIdIsRefused) {
  const auto e = decode_error(R"({"id":"","op":"room.list"})");
  EXPECT_EQ(e.code, Errc::invalid_request);
  EXPECT_EQ(e.message, kBadIdMessage);
}

TEST(DecodeRequest, StringIdOfExactly64BytesIsAccepted) {
  const std::string id(kMaxRequestIdLength, 'a');
  const auto r = decode_ok(R"({"id":")" + id + R"(","op":"room.list"})");
  EXPECT_EQ(r.id, json(id));
}

TEST(DecodeRequest, StringIdOf65BytesIsRefused) {
  const std::string id(kMaxRequestIdLength + 1, 'a');
  const auto e = decode_error(R"({"id":")" + id + R"(","op":"room.list"})");
  EXPECT_EQ(e.code, Errc::invalid_request);
  EXPECT_EQ(e.message, kBadIdMessage);
  EXPECT_TRUE(e.id.is_null());
}

TEST(DecodeRequest, StringIdLimitCountsBytesNotCharacters) {
  // 22 Japanese characters are 66 bytes in UTF-8.
  std::string id;
  for (int i = 0; i < 22; ++i)
    id += "あ";
  ASSERT_EQ(id.size(), 66u);
  EXPECT_EQ(decode_error(R"({"id":")" + id + R"(","op":"x"})").code, Errc::invalid_request);
}

TEST(DecodeRequest, MissingIdIsRefused) {
  const auto e = decode_error(R"({"op":"room.list","body":{}})");
  EXPECT_EQ(e.code, Errc::invalid_request);
  EXPECT_EQ(e.message, kBadIdMessage);
  EXPECT_TRUE(e.id.is_null());
}

TEST(DecodeRequest, MissingOpIsRefusedAndEchoesTheId) {
  const auto e = decode_error(R"({"id":"9","body":{}})");
  EXPECT_EQ(e.code, Errc::invalid_request);
  EXPECT_EQ(e.message, "\"op\" must be a string");
  EXPECT_EQ(e.id, json("9"));
}

TEST(DecodeRequest, NonStringOpIsRefusedAndEchoesTheId) {
  for (const char* text :
       {R"({"id":9,"op":1})", R"({"id":9,"op":null})", R"({"id":9,"op":["room.list"]})"}) {
    const auto e = decode_error(text);
    EXPECT_EQ(e.code, Errc::invalid_request) << text;
    EXPECT_EQ(e.message, "\"op\" must be a string") << text;
    EXPECT_EQ(e.id, json(9)) << text;
  }
}

TEST(DecodeRequest, AbsentBodyDecodesAsEmptyObject) {
  const auto r = decode_ok(R"({"id":"1","op":"room.list"})");
  EXPECT_TRUE(r.body.is_object());
  EXPECT_TRUE(r.body.empty());
}

TEST(DecodeRequest, NullBodyDecodesAsEmptyObject) {
  const auto r = decode_ok(R"({"id":"1","op":"room.list","body":null})");
  EXPECT_TRUE(r.body.is_object());
  EXPECT_TRUE(r.body.empty());
}

TEST(DecodeRequest, NonObjectBodyIsRefusedAndEchoesTheId) {
  for (const char* text :
       {R"({"id":"b","op":"x","body":[]})", R"({"id":"b","op":"x","body":"s"})",
        R"({"id":"b","op":"x","body":3})", R"({"id":"b","op":"x","body":false})"}) {
    const auto e = decode_error(text);
    EXPECT_EQ(e.code, Errc::invalid_request) << text;
    EXPECT_EQ(e.message, "\"body\" must be an object") << text;
    EXPECT_EQ(e.id, json("b")) << text;
  }
}

TEST(DecodeRequest, TopLevelNonObjectIsInvalidRequest) {
  for (const char* text : {"[]", "42", "\"hello\"", "null", "[{\"id\":1,\"op\":\"x\"}]"}) {
    const auto e = decode_error(text);
    EXPECT_EQ(e.code, Errc::invalid_request) << text;
    EXPECT_EQ(e.message, "request must be a JSON object") << text;
    EXPECT_TRUE(e.id.is_null()) << text;
  }
}

TEST(DecodeRequest, MalformedJsonIsRefused) {
  for (const char* text :
       {"", "{", "{\"id\":1,", "{'id':1}", "{\"id\":1}}", "not json", "{\"id\":1,\"op\":\"x\",}"}) {
    const auto e = decode_error(text);
    EXPECT_EQ(e.code, Errc::malformed_json) << text;
    EXPECT_EQ(e.message, "frame is not valid UTF-8 JSON") << text;
    EXPECT_TRUE(e.id.is_null()) << text;
  }
}

TEST(DecodeRequest, InvalidUtf8InsideAStringIsMalformed) {
  const std::string text = "{\"id\":\"1\",\"op\":\"room.post\",\"body\":{\"text\":\"\xff\xfe\"}}";
  const auto e = decode_error(text);
  EXPECT_EQ(e.code, Errc::malformed_json);
  EXPECT_EQ(e.message, "frame is not valid UTF-8 JSON");
}

TEST(DecodeRequest, TruncatedUtf8SequenceIsMalformed) {
  // "あ" is E3 81 82; only its first two bytes.
  const std::string text = "{\"id\":\"1\",\"op\":\"x\",\"body\":{\"t\":\"\xe3\x81\"}}";
  EXPECT_EQ(decode_error(text).code, Errc::malformed_json);
}

TEST(DecodeRequest, TooDeepIsRefusedBeforeParsing) {
  // Depth 4 with a limit of 3; the text is not even valid JSON, which proves the depth check
  // comes first.
  const auto e = decode_error(R"({"id":1,"op":"x","body":{"a":[[)", 3);
  EXPECT_EQ(e.code, Errc::too_deep);
  EXPECT_EQ(e.message, "JSON nesting deeper than 3 levels");
  EXPECT_TRUE(e.id.is_null());
}

TEST(DecodeRequest, DepthExactlyAtTheLimitIsAccepted) {
  const auto r = decode_request(R"({"id":1,"op":"x","body":{"a":[1]}})", 3);
  ASSERT_TRUE(std::holds_alternative<Request>(r));
  EXPECT_EQ(std::get<Request>(r).body, json({{"a", {1}}}));
}

TEST(DecodeRequest, DepthOneOverTheLimitIsRefused) {
  const auto e = decode_error(R"({"id":1,"op":"x","body":{"a":[[1]]}})", 3);
  EXPECT_EQ(e.code, Errc::too_deep);
  EXPECT_EQ(e.message, "JSON nesting deeper than 3 levels");
}

// --- encoders --------------------------------------------------------------------------------

TEST(EncodeOk, ExactText) {
  EXPECT_EQ(encode_ok("7", json{{"seq", 3}}), R"({"id":"7","ok":true,"result":{"seq":3}})");
  EXPECT_EQ(encode_ok(12, json::object()), R"({"id":12,"ok":true,"result":{}})");
}

TEST(EncodeOk, KeepsNonAsciiTextAsUtf8) {
  EXPECT_EQ(encode_ok("a", json{{"title", "田中様"}}),
            "{\"id\":\"a\",\"ok\":true,\"result\":{\"title\":\"田中様\"}}");
}

TEST(EncodeError, ExactText) {
  EXPECT_EQ(encode_error("7", Errc::not_found, "no such room"),
            R"({"error":{"code":"not_found","message":"no such room"},"id":"7","ok":false})");
}

TEST(EncodeError, NullIdWhenTheRequestIdCouldNotBeRead) {
  EXPECT_EQ(encode_error(nullptr, Errc::malformed_json, "frame is not valid UTF-8 JSON"),
            R"({"error":{"code":"malformed_json","message":"frame is not valid UTF-8 JSON"},)"
            R"("id":null,"ok":false})");
}

TEST(EncodeError, MessageIsJsonEscaped) {
  EXPECT_EQ(encode_error(1, Errc::invalid_request, "body.role: must be \"member\""),
            R"({"error":{"code":"invalid_request","message":"body.role: must be \"member\""},)"
            R"("id":1,"ok":false})");
}

TEST(EncodeEvent, ExactText) {
  EXPECT_EQ(encode_event("room.added", json{{"room", "abc"}}),
            R"({"body":{"room":"abc"},"event":"room.added"})");
}

TEST(Encoders, WriteWhatTheJsonObjectWouldDump) {
  // The encoders write text directly; a reader must not be able to tell from the json-built form.
  const auto as_json = [](const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  const json ids[] = {0, 18446744073709551615ULL, "7", std::string(64, 'i'), "識別子"};
  const std::string messages[] = {"", "田中様の記録\n", std::string("bad \xff byte"),
                                  std::string(300, 'm') + "\"\t"};
  const json result = {{"events", json::array({json{{"text", std::string(500, 't')}}})},
                       {"has_more", false}};
  for (const auto& id : ids) {
    EXPECT_EQ(encode_ok(id, result), as_json(json{{"id", id}, {"ok", true}, {"result", result}}));
    EXPECT_EQ(encode_ok_text(id, as_json(result)),
              as_json(json{{"id", id}, {"ok", true}, {"result", result}}));
    for (const auto& message : messages) {
      EXPECT_EQ(
          encode_error(id, Errc::conflict, message),
          as_json(json{
              {"id", id}, {"ok", false}, {"error", {{"code", "conflict"}, {"message", message}}}}));
    }
  }
  for (const auto& name : {"room.added", "通知"}) {
    EXPECT_EQ(encode_event(name, result), as_json(json{{"event", name}, {"body", result}}));
  }
}

TEST(Dump, ReplacesInvalidUtf8InsteadOfThrowing) {
  const json value = std::string(
      "a\xff"
      "b");
  EXPECT_EQ(dump(value),
            "\"a\xEF\xBF\xBD"
            "b\"");
}

TEST(Dump, IsCompact) {
  EXPECT_EQ(dump(json{{"a", {1, 2}}, {"b", nullptr}}), R"({"a":[1,2],"b":null})");
}

// --- decode_server_frame ---------------------------------------------------------------------

ServerFrame frame_ok(std::string_view text) {
  auto decoded = decode_server_frame(text);
  if (auto* error = std::get_if<DecodeError>(&decoded)) {
    ADD_FAILURE() << "unexpected " << to_string(error->code) << ": " << error->message;
    return {};
  }
  return std::get<ServerFrame>(std::move(decoded));
}

TEST(DecodeServerFrame, OkReply) {
  const auto f = frame_ok(encode_ok("7", json{{"seq", 3}}));
  EXPECT_EQ(f.kind, ServerFrame::Kind::reply);
  EXPECT_EQ(f.id, json("7"));
  EXPECT_TRUE(f.ok);
  EXPECT_EQ(f.result, json({{"seq", 3}}));
  EXPECT_EQ(f.error_code, "");
}

TEST(DecodeServerFrame, OkReplyWithoutResultHasEmptyObject) {
  const auto f = frame_ok(R"({"id":1,"ok":true})");
  EXPECT_EQ(f.kind, ServerFrame::Kind::reply);
  EXPECT_EQ(f.result, json::object());
}

TEST(DecodeServerFrame, ErrorReply) {
  const auto f = frame_ok(encode_error(5, Errc::forbidden, "admins only"));
  EXPECT_EQ(f.kind, ServerFrame::Kind::reply);
  EXPECT_EQ(f.id, json(5));
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.error_code, "forbidden");
  EXPECT_EQ(f.error_message, "admins only");
}

TEST(DecodeServerFrame, ErrorReplyWithoutErrorObjectIsInternal) {
  const auto f = frame_ok(R"({"id":null,"ok":false})");
  EXPECT_EQ(f.kind, ServerFrame::Kind::reply);
  EXPECT_TRUE(f.id.is_null());
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.error_code, "internal");
  EXPECT_EQ(f.error_message, "");
}

TEST(DecodeServerFrame, Event) {
  const auto f = frame_ok(encode_event("welcome", json{{"protocol", "musubi.v1"}}));
  EXPECT_EQ(f.kind, ServerFrame::Kind::event);
  EXPECT_EQ(f.event, "welcome");
  EXPECT_EQ(f.body, json({{"protocol", "musubi.v1"}}));
}

TEST(DecodeServerFrame, EventWithoutBodyHasEmptyObject) {
  const auto f = frame_ok(R"({"event":"room.removed"})");
  EXPECT_EQ(f.kind, ServerFrame::Kind::event);
  EXPECT_EQ(f.event, "room.removed");
  EXPECT_EQ(f.body, json::object());
}

TEST(DecodeServerFrame, RefusesTextThatIsNotAnObject) {
  for (const char* text : {"", "[]", "{", "3"}) {
    const auto decoded = decode_server_frame(text);
    ASSERT_TRUE(std::holds_alternative<DecodeError>(decoded)) << text;
    EXPECT_EQ(std::get<DecodeError>(decoded).code, Errc::malformed_json) << text;
    EXPECT_EQ(std::get<DecodeError>(decoded).message, "server frame is not a JSON object") << text;
  }
}

TEST(DecodeServerFrame, RefusesObjectsThatAreNeitherReplyNorEvent) {
  for (const char* text :
       {R"({"id":1})", R"({"ok":true})", R"({"id":1,"ok":"yes"})", R"({"event":3,"body":{}})"}) {
    const auto decoded = decode_server_frame(text);
    ASSERT_TRUE(std::holds_alternative<DecodeError>(decoded)) << text;
    EXPECT_EQ(std::get<DecodeError>(decoded).code, Errc::malformed_json) << text;
    EXPECT_EQ(std::get<DecodeError>(decoded).message,
              "server frame is neither a reply nor an event")
        << text;
  }
}

TEST(DecodeServerFrame, MalformedErrorObjectIsReportedNotThrown) {
  // Regression (fixed): protocol/envelope.cpp:99-100 call json::value() on whatever "error" holds;
  // a reply whose "error" is not an object, or whose code/message is not a string, throws
  // nlohmann's type_error out of decode_server_frame instead of returning a DecodeError (or a
  // reply), so a misbehaving server can crash a client that trusts the documented contract.
  for (const char* text : {R"({"id":1,"ok":false,"error":"boom"})",
                           R"({"id":1,"ok":false,"error":{"code":5,"message":"m"}})",
                           R"({"id":1,"ok":false,"error":{"code":"x","message":null}})"}) {
    EXPECT_NO_THROW(decode_server_frame(text)) << text;
  }
}

TEST(Subprotocol, IsMusubiV1) {
  EXPECT_EQ(kSubprotocol, "musubi.v1");
}

}  // namespace
}  // namespace musubi::protocol
