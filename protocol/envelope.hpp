#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "protocol/error_code.hpp"
#include "protocol/json_text.hpp"

namespace musubi::protocol {

inline constexpr std::string_view kSubprotocol = "musubi.v1";
inline constexpr std::size_t kMaxRequestIdLength = 64;

// A client request: {"id": "7", "op": "room.post", "body": {...}}. The id is echoed verbatim in
// the reply; it is a string (at most kMaxRequestIdLength bytes) or a non-negative integer.
struct Request {
  nlohmann::json id;
  std::string op;
  nlohmann::json body;  // always an object (an absent body decodes as {})
};

// Why a frame could not be turned into a Request. `id` is the request's id when it could be read,
// null otherwise, so that the error reply can still be matched by the client.
struct DecodeError {
  Errc code;
  std::string message;
  nlohmann::json id;
};

// Parses and checks one text frame. Never throws.
std::variant<Request, DecodeError> decode_request(std::string_view text, std::size_t max_depth);

// Frames sent by the server. Each returns the complete text of one WebSocket message.
std::string encode_ok(const nlohmann::json& id, const nlohmann::json& result);
// The same, with the result already JSON text (built without a json tree on a hot path).
std::string encode_ok_text(const nlohmann::json& id, std::string_view result_json);
std::string encode_error(const nlohmann::json& id, Errc code, std::string_view message);
std::string encode_event(std::string_view name, const nlohmann::json& body);

// A frame as a client sees it: either the reply to one of its requests or a server event.
struct ServerFrame {
  enum class Kind { reply, event } kind = Kind::event;
  nlohmann::json id;       // reply only
  bool ok = false;         // reply only
  nlohmann::json result;   // reply only, when ok
  std::string error_code;  // reply only, when !ok
  std::string error_message;
  std::string event;    // event only
  nlohmann::json body;  // event only
};

// Parses a server frame; nullopt-like failure is reported as a DecodeError.
std::variant<ServerFrame, DecodeError> decode_server_frame(std::string_view text);

}  // namespace musubi::protocol
