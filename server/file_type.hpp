#pragma once

#include <optional>
#include <string_view>

namespace musubi::server {

// The media type of a file that may be attached to a room, recognized by its first bytes
// (never by the name or the type the client declares): "application/pdf", "image/jpeg" or
// "image/png". nullopt for anything else.
std::optional<std::string_view> detect_file_type(std::string_view bytes) noexcept;

}  // namespace musubi::server
