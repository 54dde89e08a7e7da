#pragma once

#include <cstddef>
#include <string_view>

namespace musubi::protocol {

// Deepest nesting of arrays and objects in a JSON text, counted without parsing it, so that a
// hostile frame like "[[[[..." is refused before a recursive parser ever sees it. Brackets inside
// strings are ignored. Stops counting once `limit` is exceeded and returns limit + 1.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit) noexcept;

}  // namespace musubi::protocol
