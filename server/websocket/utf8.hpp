#pragma once

#include <string_view>

namespace musubi::server::websocket {

// Whether `text` is well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view text);

}  // namespace musubi::server::websocket
