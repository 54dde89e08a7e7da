#include "server/file_type.hpp"

namespace musubi::server {

namespace {

struct Signature {
  std::string_view magic;
  std::string_view media_type;
};

// PDF: ISO 32000 header; PNG: RFC 2083 signature; JPEG: SOI marker followed by another marker.
constexpr Signature kSignatures[] = {
    {"%PDF-", "application/pdf"},
    {"\x89PNG\r\n\x1a\n", "image/png"},
    {"\xFF\xD8\xFF", "image/jpeg"},
};

}  // namespace

std::optional<std::string_view> detect_file_type(std::string_view bytes) noexcept {
  for (const auto& s : kSignatures) {
    if (bytes.starts_with(s.magic)) return s.media_type;
  }
  return std::nullopt;
}

}  // namespace musubi::server
