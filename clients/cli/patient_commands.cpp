// patient register, patient show, patient list, patient consent.
#include <iostream>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/output.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "clients/cli/vocabulary.hpp"
#include "protocol/care_operations.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

// "2026-11-01, obtained by 佐藤 花子 (note)", or a hint when no consent is recorded.
std::string consent_text(const json& patient) {
  const auto it = patient.find("consent");
  if (it == patient.end() || !it->is_object()) {
    return "none recorded (no room opens without it: musubi patient consent " +
           text_of(patient, "patient") + " --date YYYY-MM-DD --obtained-by NAME)";
  }
  std::string text = text_of(*it, "date") + ", obtained by " + text_of(*it, "obtained_by");
  const auto note = text_of(*it, "note");
  if (!note.empty()) text += " (" + note + ")";
  return text;
}

}  // namespace

int register_patient(const Context& ctx, const NewPatient& p) {
  require_utf8(p.name, "--name");
  require_utf8(p.kana, "--kana");
  require_utf8(p.municipality, "--municipality");
  require_utf8(p.address, "--address");
  require_date(p.birth_date, "--birth-date");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result =
      session->call(protocol::op::register_patient, {{"name", p.name},
                                                     {"kana", p.kana},
                                                     {"birth_date", p.birth_date},
                                                     {"sex", p.sex},
                                                     {"municipality", p.municipality},
                                                     {"address", p.address}});
  std::cout << text_of(result, "patient") << std::endl;
  return 0;
}

int show_patient(const Context& ctx, const std::string& patient, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto p = session->call(protocol::op::get_patient, {{"patient", patient}});
  if (as_json) {
    std::cout << json_line(p) << std::endl;
    return 0;
  }
  Vocabulary words(*session);
  std::cout << "patient  " << text_of(p, "patient") << "\n"
            << "name     " << text_of(p, "name") << " (" << text_of(p, "kana") << ")\n"
            << "born     " << text_of(p, "birth_date") << "\n"
            << "sex      " << words.ja("sexes", p.value("sex", "")) << "\n"
            << "address  " << text_of(p, "municipality") << " " << text_of(p, "address") << "\n"
            << "consent  " << consent_text(p) << std::endl;
  return 0;
}

int list_patients(const Context& ctx, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::list_patients, json::object());
  for (const auto& p : result.value("patients", json::array())) {
    if (as_json) {
      std::cout << json_line(p) << "\n";
    } else {
      const auto& consent = p.contains("consent") ? p["consent"] : json();
      std::cout << text_of(p, "patient") << "\t" << text_of(p, "name") << "\t" << text_of(p, "kana")
                << "\t" << text_of(p, "birth_date") << "\t"
                << (consent.is_object() ? "consent " + text_of(consent, "date")
                                        : std::string("no consent"))
                << "\n";
    }
  }
  std::cout << std::flush;
  return 0;
}

int record_consent(const Context& ctx, const Consent& c) {
  require_date(c.date, "--date");
  require_utf8(c.obtained_by, "--obtained-by");
  require_utf8(c.note, "--note");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"patient", c.patient}, {"date", c.date}, {"obtained_by", c.obtained_by}};
  if (!c.note.empty()) body["note"] = c.note;
  const auto p = session->call(protocol::op::record_consent, body);
  std::cout << "consent recorded for " << text_of(p, "name") << " (" << text_of(p, "patient")
            << "): " << consent_text(p) << std::endl;
  return 0;
}

}  // namespace musubi::cli
