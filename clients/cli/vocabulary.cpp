#include "clients/cli/vocabulary.hpp"

#include "clients/cli/cli_error.hpp"
#include "clients/cli/output.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/care_operations.hpp"

namespace musubi::cli {

using nlohmann::json;

const json& Vocabulary::terms() {
  if (!terms_) {
    try {
      terms_ = session_.call(protocol::op::vocabulary, json::object());
    } catch (const CliError& e) {
      // Labels are a nicety: an answer that is not one leaves the codes. A lost connection is
      // not a nicety, and fails the next call anyway.
      if (e.kind() != CliError::Kind::server) throw;
      terms_ = json::object();
    }
  }
  return *terms_;
}

std::string Vocabulary::ja(std::string_view list, std::string_view code) {
  const auto& all = terms();
  const auto it = all.is_object() ? all.find(std::string(list)) : all.end();
  if (it != all.end() && it->is_array()) {
    for (const auto& term : *it) {
      if (term.is_object() && term.value("code", std::string()) == code) {
        const auto label = term.value("ja", std::string());
        if (!label.empty()) return terminal_safe(label);
      }
    }
  }
  return terminal_safe(code);
}

std::string person_text(const nlohmann::json& who, Vocabulary& words) {
  if (!who.is_object()) return "-";
  std::string text = text_of(who, "name") + " (" + text_of(who, "login") + ")";
  const auto profession = who.value("profession", std::string());
  if (!profession.empty()) text += ", " + words.ja("professions", profession);
  const auto org = text_of(field(who, "org"), "name");
  if (!org.empty()) text += ", " + org;
  return text;
}

}  // namespace musubi::cli
