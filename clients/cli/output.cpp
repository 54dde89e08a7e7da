#include "clients/cli/output.hpp"

#include <ctime>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/timestamp.hpp"

namespace musubi::cli {

using nlohmann::json;

std::string text_of(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) return terminal_safe(it->get<std::string>());
  return it->dump();
}

std::string text_or_dash(const json& object, const char* key) {
  auto text = text_of(object, key);
  return text.empty() ? "-" : text;
}

std::string json_line(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void require_utf8(const std::string& text, const char* what) {
  if (!is_valid_utf8(text)) {
    throw CliError(CliError::Kind::usage,
                   std::string(what) + " is not valid UTF-8 (is the terminal set to UTF-8?)");
  }
}

void require_date(const std::string& text, const char* what) {
  if (!protocol::is_calendar_date(text)) {
    throw CliError(CliError::Kind::usage,
                   std::string(what) + " must be a date YYYY-MM-DD, e.g. 1940-04-01");
  }
}

std::string local_minute(const std::string& timestamp) {
  const auto ms = protocol::parse_timestamp(timestamp);
  if (!ms) return timestamp;
  const std::time_t seconds = static_cast<std::time_t>(*ms / 1000);
  std::tm local{};
  if (!::localtime_r(&seconds, &local)) return timestamp;
  char text[32];
  if (std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local) == 0) return timestamp;
  return text;
}

const nlohmann::json& field(const nlohmann::json& object, const char* key) {
  static const nlohmann::json null;
  if (!object.is_object()) return null;
  const auto it = object.find(key);
  return it == object.end() ? null : *it;
}

}  // namespace musubi::cli
