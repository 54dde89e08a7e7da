#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/error_code.hpp"

namespace musubi::protocol {

// The most characters of an id a client names in a body: a room, a patient, a request, an upload,
// a post's nonce.
inline constexpr std::size_t kMaxIdChars = 64;

// The first problem found in a request body, naming the field, e.g.
// {invalid_request, "body.room: expected a string"}.
struct FieldError {
  Errc code;
  std::string message;
};

// Reads typed fields out of a request body, remembering only the first problem so that every
// parse function reads straight through and checks once at the end. Unknown fields are ignored,
// so that newer clients may send optional fields older servers do not know.
class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& body) : body_(body) {}

  // Required string of min_chars..max_chars Unicode characters.
  std::string string(std::string_view name, std::size_t min_chars, std::size_t max_chars);
  std::optional<std::string> optional_string(std::string_view name, std::size_t min_chars,
                                             std::size_t max_chars);
  std::int64_t integer(std::string_view name, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> optional_integer(std::string_view name, std::int64_t min,
                                               std::int64_t max);
  // A name or address shown to people, as string() but one line: no control characters.
  std::string plain_text(std::string_view name, std::size_t min_chars, std::size_t max_chars);
  // The same, optional; "" when absent.
  std::string optional_plain_text(std::string_view name, std::size_t max_chars);
  // Optional true/false; `fallback` when absent.
  bool boolean(std::string_view name, bool fallback);
  // Optional array of positive integers; empty when absent.
  std::vector<std::int64_t> id_list(std::string_view name, std::size_t max_items);
  // Required calendar date "YYYY-MM-DD": exactly 10 characters, a day that exists.
  std::string date(std::string_view name);
  // Required string that must be one of `allowed`.
  std::string one_of(std::string_view name, std::initializer_list<std::string_view> allowed);
  // Optional array of strings, each min_chars..max_chars; empty when absent.
  std::vector<std::string> string_list(std::string_view name, std::size_t max_items,
                                       std::size_t max_chars);

  // Required array; returns nullptr (and records an error) when absent or not an array.
  const nlohmann::json* array(std::string_view name, std::size_t max_items);

  void fail(Errc code, std::string message);
  const std::optional<FieldError>& error() const { return error_; }

 private:
  const nlohmann::json* find(std::string_view name, bool required);
  std::string where(std::string_view name) const;

  const nlohmann::json& body_;
  std::optional<FieldError> error_;
};

// Number of Unicode code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text) noexcept;

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

// Any C0 control character or DEL (tabs and newlines included).
bool has_control_characters(std::string_view text) noexcept;

}  // namespace musubi::protocol
