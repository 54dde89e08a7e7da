#include "protocol/field_reader.hpp"

#include "protocol/timestamp.hpp"

namespace musubi::protocol {

using nlohmann::json;

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // count every byte that is not a continuation byte
  }
  return n;
}

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

bool has_control_characters(std::string_view text) noexcept {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::string FieldReader::where(std::string_view name) const {
  return "body." + std::string(name);
}

void FieldReader::fail(Errc code, std::string message) {
  if (!error_) error_ = FieldError{code, std::move(message)};
}

const json* FieldReader::find(std::string_view name, bool required) {
  if (error_) return nullptr;
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) {
    if (required) fail(Errc::invalid_request, where(name) + ": required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> FieldReader::optional_string(std::string_view name,
                                                        std::size_t min_chars,
                                                        std::size_t max_chars) {
  const json* value = find(name, false);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    fail(Errc::invalid_request, where(name) + ": expected a string");
    return std::nullopt;
  }
  const auto& s = value->get_ref<const std::string&>();
  const std::size_t length = utf8_length(s);
  if (length < min_chars) {
    fail(Errc::invalid_request,
         where(name) + ": must have at least " + std::to_string(min_chars) + " characters");
    return std::nullopt;
  }
  if (length > max_chars) {
    fail(Errc::too_large,
         where(name) + ": must have at most " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  return s;
}

std::string FieldReader::string(std::string_view name, std::size_t min_chars,
                                std::size_t max_chars) {
  if (!find(name, true)) return {};
  return optional_string(name, min_chars, max_chars).value_or(std::string{});
}

std::optional<std::int64_t> FieldReader::optional_integer(std::string_view name, std::int64_t min,
                                                          std::int64_t max) {
  const json* value = find(name, false);
  if (!value) return std::nullopt;
  if (!value->is_number_integer()) {
    fail(Errc::invalid_request, where(name) + ": expected an integer");
    return std::nullopt;
  }
  // Unsigned values above int64 max would wrap: treat them as out of range.
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    fail(Errc::invalid_request, where(name) + ": out of range");
    return std::nullopt;
  }
  const auto n = value->get<std::int64_t>();
  if (n < min || n > max) {
    fail(Errc::invalid_request,
         where(name) + ": must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::int64_t FieldReader::integer(std::string_view name, std::int64_t min, std::int64_t max) {
  if (!find(name, true)) return 0;
  return optional_integer(name, min, max).value_or(0);
}

bool FieldReader::boolean(std::string_view name, bool fallback) {
  const json* value = find(name, false);
  if (!value) return fallback;
  if (!value->is_boolean()) {
    fail(Errc::invalid_request, where(name) + ": expected true or false");
    return fallback;
  }
  return value->get<bool>();
}

std::vector<std::int64_t> FieldReader::id_list(std::string_view name, std::size_t max_items) {
  std::vector<std::int64_t> out;
  if (!find(name, false)) return out;
  const json* items = array(name, max_items);
  if (!items) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    if (!item.is_number_integer() ||
        (item.is_number_unsigned() &&
         item.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) ||
        item.get<std::int64_t>() < 1) {
      fail(Errc::invalid_request,
           where(name) + "[" + std::to_string(i) + "]: expected a positive integer");
      return {};
    }
    out.push_back(item.get<std::int64_t>());
  }
  return out;
}

std::string FieldReader::plain_text(std::string_view name, std::size_t min_chars,
                                    std::size_t max_chars) {
  std::string text = string(name, min_chars, max_chars);
  if (!error_ && has_control_characters(text)) {
    fail(Errc::invalid_request, where(name) + ": control characters");
  }
  return text;
}

std::string FieldReader::optional_plain_text(std::string_view name, std::size_t max_chars) {
  std::string text = optional_string(name, 0, max_chars).value_or("");
  if (!error_ && has_control_characters(text)) {
    fail(Errc::invalid_request, where(name) + ": control characters");
  }
  return text;
}

std::string FieldReader::date(std::string_view name) {
  std::string text = string(name, 10, 10);
  if (!error_ && !is_calendar_date(text)) {
    fail(Errc::invalid_request, where(name) + ": must be a date YYYY-MM-DD");
  }
  return text;
}

std::string FieldReader::one_of(std::string_view name,
                                std::initializer_list<std::string_view> allowed) {
  std::string text = string(name, 1, 64);
  if (error_) return text;
  for (const auto a : allowed) {
    if (text == a) return text;
  }
  std::string list;
  for (const auto a : allowed)
    list += (list.empty() ? "" : ", ") + std::string(a);
  fail(Errc::invalid_request, where(name) + ": must be one of " + list);
  return text;
}

std::vector<std::string> FieldReader::string_list(std::string_view name, std::size_t max_items,
                                                  std::size_t max_chars) {
  std::vector<std::string> out;
  if (!find(name, false)) return out;
  const json* items = array(name, max_items);
  if (!items) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    const auto length = item.is_string() ? utf8_length(item.get_ref<const std::string&>()) : 0;
    if (!item.is_string() || length < 1 || length > max_chars) {
      fail(Errc::invalid_request, where(name) + "[" + std::to_string(i) +
                                      "]: expected a string of 1-" + std::to_string(max_chars) +
                                      " characters");
      return {};
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

const json* FieldReader::array(std::string_view name, std::size_t max_items) {
  const json* value = find(name, true);
  if (!value) return nullptr;
  if (!value->is_array()) {
    fail(Errc::invalid_request, where(name) + ": expected an array");
    return nullptr;
  }
  if (value->size() > max_items) {
    fail(Errc::too_large,
         where(name) + ": must have at most " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return value;
}

}  // namespace musubi::protocol
