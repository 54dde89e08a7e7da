#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace musubi::protocol {

// Compact JSON text, written with as few allocations as a hot path can afford: nlohmann's dump()
// makes a new output adapter (a shared_ptr) and grows a new string from nothing on every call.
// Invalid UTF-8 (which decode_request never lets in) is replaced, not thrown.
std::string dump(const nlohmann::json& value);
// Appends the text of `value` to `out`.
void append_json(std::string& out, const nlohmann::json& value);
// Appends `text` as a JSON string (quoted and escaped), as append_json(out, json(text)) would.
void append_json_string(std::string& out, std::string_view text);

}  // namespace musubi::protocol
