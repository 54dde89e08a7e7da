#pragma once

namespace musubi::protocol {

// The value of one hexadecimal digit, either case, or -1 for any other character. Shared by
// the readers of %xx (URLs, JSON pointers) and \uXXXX (JSON strings).
constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace musubi::protocol
