#include "protocol/envelope.hpp"

#include "protocol/json_depth.hpp"

namespace musubi::protocol {

using nlohmann::json;

namespace {

// Room for an envelope's keys and a request id, so that most frames are written in one allocation.
constexpr std::size_t kEnvelopeBytes = 128;

bool valid_id(const json& id) {
  if (id.is_string()) {
    const auto& s = id.get_ref<const std::string&>();
    return !s.empty() && s.size() <= kMaxRequestIdLength;
  }
  return id.is_number_unsigned() || (id.is_number_integer() && id.get<std::int64_t>() >= 0);
}

}  // namespace

std::variant<Request, DecodeError> decode_request(std::string_view text, std::size_t max_depth) {
  if (json_nesting_depth(text, max_depth) > max_depth) {
    return DecodeError{
        Errc::too_deep, "JSON nesting deeper than " + std::to_string(max_depth) + " levels", {}};
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return DecodeError{Errc::malformed_json, "frame is not valid UTF-8 JSON", {}};
  }
  if (!doc.is_object()) {
    return DecodeError{Errc::invalid_request, "request must be a JSON object", {}};
  }
  auto id_it = doc.find("id");
  if (id_it == doc.end() || !valid_id(*id_it)) {
    return DecodeError{Errc::invalid_request,
                       "\"id\" must be a non-empty string of at most 64 bytes or a non-negative "
                       "integer",
                       {}};
  }
  Request request;
  request.id = *id_it;
  auto op_it = doc.find("op");
  if (op_it == doc.end() || !op_it->is_string()) {
    return DecodeError{Errc::invalid_request, "\"op\" must be a string", request.id};
  }
  request.op = op_it->get<std::string>();
  auto body_it = doc.find("body");
  if (body_it == doc.end() || body_it->is_null()) {
    request.body = json::object();
  } else if (body_it->is_object()) {
    request.body = std::move(*body_it);
  } else {
    return DecodeError{Errc::invalid_request, "\"body\" must be an object", request.id};
  }
  return request;
}

// Every frame is written as text, in the key order a json object would dump in (std::map: sorted),
// so that a reply reads the same whichever way it was built.
std::string encode_ok(const json& id, const json& result) {
  std::string out;
  out.reserve(kEnvelopeBytes);
  out += R"({"id":)";
  append_json(out, id);
  out += R"(,"ok":true,"result":)";
  append_json(out, result);
  out += '}';
  return out;
}

std::string encode_ok_text(const json& id, std::string_view result_json) {
  std::string out;
  out.reserve(kEnvelopeBytes + result_json.size());
  out += R"({"id":)";
  append_json(out, id);
  out += R"(,"ok":true,"result":)";
  out += result_json;
  out += '}';
  return out;
}

std::string encode_error(const json& id, Errc code, std::string_view message) {
  std::string out;
  out.reserve(kEnvelopeBytes + message.size());
  out += R"({"error":{"code":)";
  append_json_string(out, to_string(code));
  out += R"(,"message":)";
  append_json_string(out, message);
  out += R"(},"id":)";
  append_json(out, id);
  out += R"(,"ok":false})";
  return out;
}

std::string encode_event(std::string_view name, const json& body) {
  std::string out;
  out.reserve(kEnvelopeBytes);
  out += R"({"body":)";
  append_json(out, body);
  out += R"(,"event":)";
  append_json_string(out, name);
  out += '}';
  return out;
}

std::variant<ServerFrame, DecodeError> decode_server_frame(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return DecodeError{Errc::malformed_json, "server frame is not a JSON object", {}};
  }
  ServerFrame frame;
  if (auto ev = doc.find("event"); ev != doc.end() && ev->is_string()) {
    frame.kind = ServerFrame::Kind::event;
    frame.event = ev->get<std::string>();
    frame.body = doc.value("body", json::object());
    return frame;
  }
  auto ok = doc.find("ok");
  if (ok == doc.end() || !ok->is_boolean() || !doc.contains("id")) {
    return DecodeError{Errc::malformed_json, "server frame is neither a reply nor an event", {}};
  }
  frame.kind = ServerFrame::Kind::reply;
  frame.id = doc["id"];
  frame.ok = ok->get<bool>();
  if (frame.ok) {
    frame.result = doc.value("result", json::object());
  } else {
    // A client must survive whatever a server sends: read only what has the expected type.
    const auto error = doc.find("error");
    const bool is_object = error != doc.end() && error->is_object();
    const auto code = is_object ? error->find("code") : doc.end();
    const auto message = is_object ? error->find("message") : doc.end();
    frame.error_code = is_object && code != error->end() && code->is_string()
                           ? code->get<std::string>()
                           : "internal";
    frame.error_message = is_object && message != error->end() && message->is_string()
                              ? message->get<std::string>()
                              : "";
  }
  return frame;
}

}  // namespace musubi::protocol
