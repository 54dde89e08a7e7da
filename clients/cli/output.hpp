#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace musubi::cli {

// A field of a JSON object as plain text for a line of output, made terminal_safe(); "" when
// absent or null, the JSON text for numbers and booleans.
std::string text_of(const nlohmann::json& object, const char* key);

// Like text_of(), but "-" when the field is absent, null or empty (a column that must not be
// blank in tab-separated output).
std::string text_or_dash(const nlohmann::json& object, const char* key);

// A member of a JSON object, or null when `object` is not an object or lacks it.
const nlohmann::json& field(const nlohmann::json& object, const char* key);

// One compact JSON line for scripts; UTF-8 as it is, invalid bytes replaced rather than thrown.
std::string json_line(const nlohmann::json& value);

// Throws CliError (usage) naming `what` when `text` is not UTF-8.
void require_utf8(const std::string& text, const char* what);

// Throws CliError (usage) unless `text` is a date YYYY-MM-DD; `what` names the flag.
void require_date(const std::string& text, const char* what);

// "2026-05-01 09:12" in the local time zone for a server timestamp; the text itself when it
// cannot be read.
std::string local_minute(const std::string& timestamp);

}  // namespace musubi::cli
