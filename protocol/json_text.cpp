#include "protocol/json_text.hpp"

#include <algorithm>

namespace musubi::protocol {

using nlohmann::json;

namespace {

// Past this, a thread's scratch text is let go after use rather than kept for the next dump.
constexpr std::size_t kKeptScratchBytes = std::size_t{64} * 1024;

// One serializer per thread, bound to that thread's scratch text. nlohmann::detail::serializer is
// what json::dump() itself uses; it keeps no state between calls.
struct Scratch {
  std::string text;
  json string_value = "";  // holds a string to escape, keeping its capacity between calls
  nlohmann::detail::serializer<json> serializer{
      nlohmann::detail::output_adapter<char, std::string>(text), ' ',
      json::error_handler_t::replace};
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// The text of `value`, valid until the next call on this thread.
template <class Use>
void with_text(const json& value, Use use) {
  auto& s = scratch();
  s.text.clear();
  s.serializer.dump(value, /*pretty_print=*/false, /*ensure_ascii=*/false, 0);
  use(std::string_view(s.text));
  if (s.text.capacity() > kKeptScratchBytes) std::string().swap(s.text);
}

// Printable ASCII that JSON needs no escape for: such a string is its own JSON text, quoted.
bool plain_ascii(std::string_view text) {
  return std::ranges::all_of(text, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
  });
}

}  // namespace

std::string dump(const json& value) {
  std::string out;
  with_text(value, [&](std::string_view text) { out = text; });
  return out;
}

void append_json(std::string& out, const json& value) {
  with_text(value, [&](std::string_view text) { out += text; });
}

void append_json_string(std::string& out, std::string_view text) {
  if (plain_ascii(text)) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  auto& holder = scratch().string_value;
  holder.get_ref<std::string&>().assign(text);
  append_json(out, holder);
}

}  // namespace musubi::protocol
