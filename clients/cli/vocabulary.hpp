#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace musubi::cli {

class ServerSession;

// The server's words (meta.vocabulary): Japanese labels for the codes of professions,
// organization types, roles, close reasons and sexes. Asked for on first use only, so that
// commands printing JSON never pay for it; a server that does not know the operation leaves
// the codes as they are.
class Vocabulary {
 public:
  explicit Vocabulary(ServerSession& session) : session_(session) {}

  // The Japanese label of `code` in `list` ("professions", "org_types", ...), or the code itself
  // when the server has none; terminal_safe().
  std::string ja(std::string_view list, std::string_view code);

 private:
  const nlohmann::json& terms();

  ServerSession& session_;
  std::optional<nlohmann::json> terms_;
};

// "佐藤 花子 (sato), 看護師, 柏訪問看護ステーション" (organization when the object has one), or "-"
// for nobody.
std::string person_text(const nlohmann::json& who, Vocabulary& words);

}  // namespace musubi::cli
