#pragma once

#include <string>
#include <string_view>

namespace musubi::cli {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF). The server accepts nothing else; checking first gives a clearer error when a
// terminal is not set to UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

// Other people's text made safe to print on a terminal: control characters (C0 except tab and
// newline, DEL, C1) and invalid bytes become U+FFFD, so that a message cannot move the cursor,
// change colours or retitle the window. Japanese and other printable text is kept as it is.
std::string terminal_safe(std::string_view text);

}  // namespace musubi::cli
