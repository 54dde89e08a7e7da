// request file, request list, request show, and the workflow's steps (accept, decline,
// ask-stand-in, stand-in accept|decline, proceed, add-team, withdraw): opening a patient's room
// under the attending-physician rule, which the server enforces.
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

std::string login_of(const json& who) {
  const auto login = text_of(who, "login");
  return login.empty() ? "-" : login;
}

// What the attending physician is owed when they do not join, as the request's log records it.
std::string report_text(const std::string& report) {
  if (report == "keep_informed") return "the physician is kept informed (主治医に報告)";
  if (report == "after_the_fact") return "after-the-fact report to the physician (事後報告)";
  if (report == "participation_declined") {
    return "participation declined; reported to the physician before the room opens "
           "(報告し部屋開設)";
  }
  return terminal_safe(report);
}

// Who may do what next, for a request still in progress (on stderr after a step).
std::string next_step_hint(const json& r) {
  const auto state = r.value("state", std::string());
  const auto id = text_of(r, "request");
  const auto& physician = field(r, "physician");
  const bool hospital = r.value("physician_setting", std::string()) == "hospital";
  const std::string colleague =
      hospital ? "the hospital's liaison-office staff" : "the clinic's staff";
  if (state == "awaiting_physician") {
    std::string hint = "waiting for the attending physician, " + text_of(physician, "name") + " (" +
                       login_of(physician) + "), to accept or decline";
    if (hospital) {
      hint += "; the requester may also ask " + colleague +
              " to join in their place: musubi request ask-stand-in " + id + " LOGIN";
    }
    return hint;
  }
  if (state == "physician_declined") {
    return "the attending physician declined; the requester may ask " + colleague +
           " to stand in (musubi request ask-stand-in " + id +
           " LOGIN) or open the room without a physician (musubi request proceed " + id + ")";
  }
  if (state == "awaiting_stand_in") {
    const auto& stand_in = field(r, "stand_in");
    return "waiting for " + text_of(stand_in, "name") + " (" + login_of(stand_in) +
           ") to accept or decline standing in (musubi request stand-in accept|decline " + id + ")";
  }
  if (state == "awaiting_visiting_nurse") {
    return "the room opens once a visiting nurse is on the team: musubi request add-team " + id +
           " LOGIN";
  }
  return "";
}

void print_request(const json& r, Vocabulary& words) {
  const auto& patient = field(r, "patient");
  std::cout << "request    " << text_of(r, "request") << "\n"
            << "patient    " << text_of(patient, "name") << " (" << text_of(patient, "patient")
            << ")\n"
            << "state      " << text_of(r, "state") << "\n"
            << "requester  " << person_text(field(r, "requester"), words)
            << (r.value("first_request", false) ? " (first request)" : "") << "\n";
  std::string physician = person_text(field(r, "physician"), words);
  const auto setting = r.value("physician_setting", std::string());
  if (!setting.empty()) physician += " [" + words.ja("org_types", setting) + "]";
  if (r.value("physician_declined", false)) physician += "; declined to take part";
  std::cout << "physician  " << physician << "\n"
            << "stand-in   " << person_text(field(r, "stand_in"), words) << "\n";
  const auto& team = field(r, "team");
  if (!team.is_array() || team.empty()) {
    std::cout << "team       -\n";
  } else {
    bool first = true;
    for (const auto& member : team) {
      std::cout << (first ? "team       " : "           ") << person_text(member, words) << "\n";
      first = false;
    }
  }
  std::cout << "           visiting nurse on the team: "
            << (r.value("visiting_nurse_on_team", false) ? "yes" : "no") << "\n";
  const auto note = text_of(r, "note");
  if (!note.empty()) std::cout << "note       " << note << "\n";
  std::cout << "room       " << text_or_dash(r, "room") << "\n"
            << "history\n";
  for (const auto& e : field(r, "log")) {
    std::cout << "  " << local_minute(e.value("ts", std::string())) << " " << text_of(e, "actor")
              << " " << text_of(e, "action") << ": ";
    const auto from = text_of(e, "from");
    if (!from.empty()) std::cout << from << " -> ";
    std::cout << text_of(e, "to");
    const auto detail = text_of(e, "detail");
    if (!detail.empty()) std::cout << " (" << detail << ")";
    std::cout << "\n";
    const auto report = e.value("report", std::string());
    if (!report.empty()) std::cout << "      report: " << report_text(report) << "\n";
  }
  std::cout << std::flush;
}

}  // namespace

int file_request(const Context& ctx, const NewRequest& request) {
  require_utf8(request.note, "--note");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {
      {"patient", request.patient}, {"physician", request.physician}, {"team", request.team}};
  if (!request.note.empty()) body["note"] = request.note;
  json result;
  try {
    result = session->call(protocol::op::file_request, body);
  } catch (const CliError& e) {
    if (e.server_code() != "consent_required") throw;
    throw CliError(e.kind(),
                   std::string(e.what()) + "; record it with: musubi patient consent " +
                       request.patient + " --date YYYY-MM-DD --obtained-by NAME",
                   e.server_code());
  }
  std::cout << text_of(result, "request") << std::endl;
  return 0;
}

int list_requests(const Context& ctx, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::list_requests, json::object());
  for (const auto& r : result.value("requests", json::array())) {
    if (as_json) {
      std::cout << json_line(r) << "\n";
    } else {
      std::cout << text_of(r, "request") << "\t" << text_of(field(r, "patient"), "name") << "\t"
                << text_of(r, "state") << "\t" << login_of(field(r, "requester")) << "\t"
                << login_of(field(r, "physician")) << "\t" << text_or_dash(r, "room") << "\n";
    }
  }
  std::cout << std::flush;
  return 0;
}

int show_request(const Context& ctx, const std::string& request, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto r = session->call(protocol::op::get_request, {{"request", request}});
  if (as_json) {
    std::cout << json_line(r) << std::endl;
    return 0;
  }
  Vocabulary words(*session);
  print_request(r, words);
  return 0;
}

int act_on_request(const Context& ctx, const RequestStep& step) {
  require_utf8(step.note, "--note");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"request", step.request}, {"action", step.action}};
  if (!step.login.empty()) body["login"] = step.login;
  if (!step.note.empty()) body["note"] = step.note;
  const auto r = session->call(protocol::op::act_on_request, body);
  // `open` is final: a step that ends there is the one that opened the room.
  if (r.value("state", std::string()) == "open" && r.value("room", json()).is_string()) {
    std::cout << text_of(r, "room") << std::endl;
    return 0;
  }
  std::cout << text_of(r, "state") << std::endl;
  if (const auto hint = next_step_hint(r); !hint.empty()) {
    std::cerr << "musubi: " << hint << std::endl;
  }
  return 0;
}

}  // namespace musubi::cli
