#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/operations.hpp"

namespace musubi::protocol {

// A room.post request read straight from its text: the request every member sends all day.
// Building a JSON tree for it and reading the body out of that took about thirty allocations; this
// takes the strings it keeps.
struct PlainPost {
  nlohmann::json id;
  PostMessage body;
};

// Reads only the plain shape: an object of "id", "op": "room.post" and a "body" of "room", "text"
// and optionally "nonce", in any order and each once, every value of its type and within its
// limits. Anything else (another field, a null, a duplicate key, a value out of bounds, text that
// is not JSON) gives nullopt, and the frame goes the general way (decode_request, then parse),
// which reads a plain post exactly as this does and says what is wrong with any other.
std::optional<PlainPost> read_plain_post(std::string_view text, const BodyLimits& limits,
                                         std::size_t max_depth);

}  // namespace musubi::protocol
