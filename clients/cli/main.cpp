// musubi: the command-line client. Wires the command line (CLI11) to the commands in
// commands.hpp; every failure ends here as "musubi: MESSAGE" on stderr and a non-zero exit
// (2: usage, 1: anything else).
#include <cstdio>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "musubi_version.hpp"

namespace {

using namespace musubi::cli;

// CLI11's report of a bad command line, in the same shape as every other error.
std::string usage_failure(const CLI::App* app, const CLI::Error& e) {
  std::string text = "musubi: " + std::string(e.what()) + "\n";
  if (app && app->get_help_ptr()) text += "Run with --help for more information.\n";
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "musubi: command-line client for musubi care-team rooms.\n"
      "State (server, login, session token) lives in $MUSUBI_HOME (default ~/.config/musubi)."};
  app.set_version_flag("--version", std::string("musubi ") + musubi::kVersion);
  app.failure_message(usage_failure);
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the command: `musubi rooms --server ...`

  GlobalOptions global;
  app.add_option("--server", global.server,
                 "server URL, e.g. wss://care.example.jp or wss://127.0.0.1:8443");
  auto* ca = app.add_option("--ca", global.ca_file,
                            "trust this certificate (PEM), e.g. musubid's self-signed "
                            "<data>/tls/cert.pem")
                 ->check(CLI::ExistingFile);
  app.add_flag("--insecure", global.insecure, "do not verify the server's certificate (testing)")
      ->excludes(ca);

  std::string login_name;
  std::string room;
  std::string text;
  std::string login_arg;
  bool json = false;
  bool admin = false;
  HistoryOptions history_options;
  TailOptions tail_options;

  auto* login =
      app.add_subcommand("login",
                         "sign in; the password is read from stdin, or prompted for on a terminal. "
                         "Remembers --server, --ca and --insecure");
  login->add_option("LOGIN", login_name, "your login")->required();

  auto* logout = app.add_subcommand("logout", "sign out and forget the session token");

  std::string otp_code;
  auto* two_factor = app.add_subcommand("2fa", "two-factor sign-in with an authenticator app");
  two_factor->require_subcommand(1);
  auto* tf_enrol = two_factor->add_subcommand(
      "enrol", "start: prints the otpauth:// URI and key to add to the authenticator app");
  tf_enrol->add_flag("--json", json, "the server's reply as JSON");
  auto* tf_confirm = two_factor->add_subcommand(
      "confirm", "turn it on with the app's first code; prints one-time recovery codes");
  tf_confirm->add_option("CODE", otp_code, "the 6-digit code")->required();
  auto* tf_disable = two_factor->add_subcommand("disable", "turn it off (where the role allows)");
  tf_disable->add_option("CODE", otp_code, "a 6-digit code or a recovery code")->required();
  auto* tf_codes =
      two_factor->add_subcommand("recovery-codes", "replace the recovery codes with ten new ones");
  tf_codes->add_option("CODE", otp_code, "the app's 6-digit code")->required();

  auto* rooms = app.add_subcommand(
      "rooms", "list your rooms: id, title, role, last seq, members, open or closed, unread");
  rooms->add_flag("--json", json, "one JSON object per line");

  // Patients and the room-opening workflow.
  NewPatient new_patient;
  Consent consent;
  NewRequest new_request;
  RequestStep step;
  std::string patient_id;
  std::string request_id;
  std::string close_reason;
  std::string note;

  auto* patient_cmd = app.add_subcommand("patient", "register patients and record their consent");
  patient_cmd->require_subcommand(1);
  auto* patient_register = patient_cmd->add_subcommand(
      "register", "register a patient (residents of the server's city only); prints the id");
  patient_register->add_option("--name", new_patient.name, "e.g. \"佐藤 一郎\"")->required();
  patient_register->add_option("--kana", new_patient.kana, "e.g. \"サトウ イチロウ\"")->required();
  patient_register->add_option("--birth-date", new_patient.birth_date, "YYYY-MM-DD")->required();
  patient_register->add_option("--sex", new_patient.sex, "female, male, other or unknown")
      ->check(CLI::IsMember({"female", "male", "other", "unknown"}))
      ->required();
  patient_register->add_option("--municipality", new_patient.municipality, "e.g. 柏市")->required();
  patient_register->add_option("--address", new_patient.address, "the rest of the address")
      ->required();
  auto* patient_show = patient_cmd->add_subcommand("show", "show a patient and their consent");
  patient_show->add_option("PATIENT", patient_id, "patient id")->required();
  patient_show->add_flag("--json", json, "one JSON object");
  auto* patient_list = patient_cmd->add_subcommand("list", "list the patients you may see");
  patient_list->add_flag("--json", json, "one JSON object per line");
  auto* patient_consent = patient_cmd->add_subcommand(
      "consent", "record the patient's consent to information sharing (needed before a room)");
  patient_consent->add_option("PATIENT", consent.patient, "patient id")->required();
  patient_consent->add_option("--date", consent.date, "when it was given, YYYY-MM-DD")->required();
  patient_consent->add_option("--obtained-by", consent.obtained_by, "who obtained it")->required();
  patient_consent->add_option("--note", consent.note, "e.g. how it was given");

  auto* request_cmd = app.add_subcommand(
      "request", "ask for a patient's room and take the steps of the attending-physician rule");
  request_cmd->require_subcommand(1);
  auto* request_file = request_cmd->add_subcommand(
      "file", "request a room for a patient, naming the attending physician; prints the id");
  request_file->add_option("PATIENT", new_request.patient, "patient id")->required();
  request_file->add_option("--physician", new_request.physician, "the physician's login")
      ->required();
  request_file->add_option("--team", new_request.team, "logins of the first team, comma-separated")
      ->delimiter(',');
  request_file->add_option("--note", new_request.note, "a note for the physician and team");
  auto* request_list = request_cmd->add_subcommand("list", "list the requests you take part in");
  request_list->add_flag("--json", json, "one JSON object per line");
  auto* request_show =
      request_cmd->add_subcommand("show", "show a request: state, people and history");
  request_show->add_option("REQUEST", request_id, "request id")->required();
  request_show->add_flag("--json", json, "one JSON object");

  // The steps. Each prints the room id when it opened the room, else the request's new state.
  struct Step {
    CLI::App* command;
    const char* action;
  };
  std::vector<Step> steps;
  auto add_step = [&](CLI::App* parent, const char* name, const char* action,
                      const std::string& help, const char* login_help = nullptr) {
    auto* command = parent->add_subcommand(name, help);
    command->add_option("REQUEST", step.request, "request id")->required();
    if (login_help) command->add_option("LOGIN", step.login, login_help)->required();
    command->add_option("--note", note, "recorded in the request's history");
    steps.push_back({command, action});
  };
  add_step(request_cmd, "accept", "accept", "as the attending physician: join; opens the room");
  add_step(request_cmd, "decline", "decline", "as the attending physician: do not join");
  add_step(request_cmd, "ask-stand-in", "ask_stand_in",
           "as the requester: ask the physician's clinic staff (after they decline) or the "
           "hospital's liaison-office staff to join in their place",
           "the stand-in's login");
  auto* stand_in = request_cmd->add_subcommand("stand-in", "as the person asked to stand in");
  stand_in->require_subcommand(1);
  add_step(stand_in, "accept", "stand_in_accept", "join in the physician's place; opens the room");
  add_step(stand_in, "decline", "stand_in_decline", "do not stand in");
  add_step(request_cmd, "proceed", "proceed_without_physician",
           "as the requester, after the physician declined: open the room without them (a "
           "visiting nurse must be on the team)");
  add_step(request_cmd, "add-team", "add_team_member", "as the requester: add to the team",
           "the new member's login");
  add_step(request_cmd, "withdraw", "withdraw", "as the requester: give the request up");

  auto* room_cmd = app.add_subcommand("room", "a room's details, its members, and closing it");
  room_cmd->require_subcommand(1);
  auto* room_add = room_cmd->add_subcommand("add", "add a user to a room");
  room_add->add_option("ROOM", room, "room id")->required();
  room_add->add_option("LOGIN", login_arg, "the user's login")->required();
  room_add->add_flag("--admin", admin, "make them an administrator of the room");
  auto* room_remove = room_cmd->add_subcommand("remove", "remove a user from a room (or leave)");
  room_remove->add_option("ROOM", room, "room id")->required();
  room_remove->add_option("LOGIN", login_arg, "the user's login")->required();
  auto* room_members = room_cmd->add_subcommand("members", "list a room's members");
  room_members->add_option("ROOM", room, "room id")->required();
  room_members->add_flag("--json", json, "one JSON object per line");
  auto* room_info =
      room_cmd->add_subcommand("info", "show a room's patient, physician, stand-in and state");
  room_info->add_option("ROOM", room, "room id")->required();
  room_info->add_flag("--json", json, "one JSON object");
  auto* room_close = room_cmd->add_subcommand(
      "close", "close a room at the end of care; it stays readable (administrators)");
  room_close->add_option("ROOM", room, "room id")->required();
  room_close->add_option("--reason", close_reason, "death, moved or end_of_service")
      ->check(CLI::IsMember({"death", "moved", "end_of_service"}))
      ->required();
  room_close->add_option("--note", note, "e.g. the circumstances");

  // Whom a message or record calls on (notifications; 要確認).
  Addressing addressing;
  const auto add_addressing = [&addressing](CLI::App* command) {
    command->add_option("--mention", addressing.mentions,
                        "notify this member (a login); may be repeated");
    command->add_option("--mention-profession", addressing.professions,
                        "notify every member of this profession, e.g. pharmacist; may be repeated");
    command->add_flag("--ack", addressing.requires_ack,
                      "ask them to acknowledge it (要確認); without --mention: every member");
  };

  auto* post = app.add_subcommand("post", "post a message; prints its seq");
  post->add_option("ROOM", room, "room id")->required();
  post->add_option("TEXT", text, "the message; - reads it from stdin")->required();
  add_addressing(post);

  std::optional<std::int64_t> read_seq;
  auto* read = app.add_subcommand("read", "mark a room read (up to its last entry, or --seq)");
  read->add_option("ROOM", room, "room id")->required();
  read->add_option("--seq", read_seq, "read up to this seq");
  auto* readers = app.add_subcommand("readers", "show how far each member has read a room");
  readers->add_option("ROOM", room, "room id")->required();
  readers->add_flag("--json", json, "as JSON");

  auto* templates = app.add_subcommand("templates", "list the record templates");
  templates->add_flag("--json", json, "one JSON object per line, with its schema");

  std::string template_id;
  std::string attachment_id;
  std::string file;
  std::string reason;
  std::string output;
  std::int64_t seq = 0;
  auto* record = app.add_subcommand(
      "record", "post a structured record (a JSON object following a template); prints its seq");
  record->add_option("ROOM", room, "room id")->required();
  record->add_option("TEMPLATE", template_id, "e.g. acp_decision (see `musubi templates`)")
      ->required();
  record->add_option("FILE", file, "the record as JSON; - reads stdin")->required();
  add_addressing(record);

  auto* plan = app.add_subcommand(
      "plan", "show the room's current emergency plan and ACP decision (what to do now)");
  plan->add_option("ROOM", room, "room id")->required();
  plan->add_flag("--json", json, "as JSON");

  musubi::cli::Correction correction;
  auto* correct = app.add_subcommand(
      "correct", "correct a message or record of yours: a new revision, the original kept");
  correct->add_option("ROOM", correction.room, "room id")->required();
  correct->add_option("SEQ", correction.seq, "the entry to correct")->required();
  correct->add_option("--text", correction.text, "the corrected message");
  correct->add_option("--file", correction.file, "the corrected record (JSON; - reads stdin)");
  correct->add_option("--reason", correction.reason, "why");

  auto* withdraw = app.add_subcommand(
      "withdraw", "withdraw a message or record of yours; it stays in the history, marked");
  withdraw->add_option("ROOM", room, "room id")->required();
  withdraw->add_option("SEQ", seq, "the entry to withdraw")->required();
  withdraw->add_option("--reason", reason, "why")->required();

  auto* export_fhir = app.add_subcommand(
      "export-fhir", "write a discharge summary as an HL7 FHIR R4 document Bundle (JSON)");
  export_fhir->add_option("ROOM", room, "room id")->required();
  export_fhir->add_option("SEQ", seq, "the discharge summary's seq")->required();
  export_fhir->add_option("-o,--output", output, "file to write; - for stdout")->required();

  auto* attach = app.add_subcommand(
      "attach", "upload a PDF, JPEG or PNG and post it; prints the seq and the attachment id");
  attach->add_option("ROOM", room, "room id")->required();
  attach->add_option("FILE", file, "the file")->required();
  attach->add_option("--text", text, "words to go with it");

  auto* download = app.add_subcommand("download", "save an attachment");
  download->add_option("ID", attachment_id, "attachment id (att_...)")->required();
  download->add_option("-o,--output", output, "file to write; - for stdout")->required();

  // Notifications and acknowledgements (要確認).
  InboxOptions inbox_options;
  auto* inbox = app.add_subcommand(
      "inbox",
      "list your notifications, newest first: id, time, notice, room #seq, 要確認 (to "
      "acknowledge), read or not, and what it is about; `inbox read` marks them read");
  inbox->add_flag("--unread", inbox_options.unread_only, "only those not read yet");
  inbox->add_option("--limit", inbox_options.limit, "how many (default 50)");
  inbox->add_flag("--json", inbox_options.json, "one JSON object per line");
  std::vector<std::int64_t> notification_ids;
  bool all = false;
  auto* inbox_read = inbox->add_subcommand("read", "mark notifications read");
  auto* ids_option =
      inbox_read->add_option("ID", notification_ids, "notification ids (see `musubi inbox`)");
  inbox_read->add_flag("--all", all, "all of them")->excludes(ids_option);

  std::optional<std::int64_t> seq_filter;
  auto* ack = app.add_subcommand(
      "ack", "acknowledge an entry (要確認); on an emergency call's entry: answer it, you respond");
  ack->add_option("ROOM", room, "room id")->required();
  ack->add_option("SEQ", seq, "the entry")->required();
  ack->add_option("--note", note, "e.g. 向かいます（15分）");
  auto* acks = app.add_subcommand(
      "acks", "who must acknowledge entries of a room and who has (✓) or has not (未確認)");
  acks->add_option("ROOM", room, "room id")->required();
  acks->add_option("--seq", seq_filter, "this entry (default: every entry still awaiting someone)");
  acks->add_flag("--json", json, "one JSON object per entry");

  // The emergency call (急変時の緊急連絡).
  auto* emergency = app.add_subcommand(
      "emergency",
      "raise an emergency call: alerts the emergency plan's first contacts and prints the steps "
      "for a helper alone; members answer with `musubi ack ROOM SEQ`");
  emergency->add_option("ROOM", room, "room id")->required();
  emergency->add_option("--note", note, "what you see, in a few words");
  emergency->add_flag("--json", json, "the server's reply as JSON");
  auto* emergency_status = app.add_subcommand(
      "emergency-status", "an emergency call's state: who was alerted, who answered, the outcome");
  emergency_status->add_option("ROOM", room, "room id")->required();
  emergency_status->add_option("--seq", seq_filter, "the emergency's seq (default: the latest)");
  emergency_status->add_flag("--json", json, "as JSON");
  std::string outcome;
  auto* emergency_close =
      app.add_subcommand("emergency-close", "close an emergency call, recording how it ended");
  emergency_close->add_option("ROOM", room, "room id")->required();
  emergency_close->add_option("SEQ", seq, "the emergency's seq")->required();
  emergency_close
      ->add_option("OUTCOME", outcome,
                   "stable_at_home, transported, admitted, died, false_alarm or other")
      ->check(CLI::IsMember(
          {"stable_at_home", "transported", "admitted", "died", "false_alarm", "other"}))
      ->required();
  emergency_close->add_option("--note", note, "e.g. what was done");

  auto* history = app.add_subcommand("history", "print a room's recent events, oldest first");
  history->add_option("ROOM", history_options.room, "room id")->required();
  history->add_flag("--json", history_options.json, "one JSON object per line");
  // Ranges are checked by the commands, with plainer messages than CLI11's.
  history->add_option("--limit", history_options.limit, "how many events (default 50)");
  history->add_option("--before", history_options.before, "only events before this seq");

  auto* tail = app.add_subcommand(
      "tail",
      "print a room's events as they happen, and your notifications (of every room), until "
      "Ctrl-C; reconnects by itself");
  tail->add_option("ROOM", tail_options.room, "room id")->required();
  tail->add_flag("--json", tail_options.json, "one JSON object per line");
  tail->add_option("--from", tail_options.from, "first replay the events from this seq on");
  tail->add_option("--keepalive", tail_options.keepalive_seconds,
                   "seconds of silence before checking that the server still answers "
                   "(default 30); no answer within as long again means reconnect");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    const Context ctx{global, StateStore(StateStore::default_home())};
    if (login->parsed()) return musubi::cli::login(ctx, login_name);
    if (logout->parsed()) return musubi::cli::logout(ctx);
    if (tf_enrol->parsed()) return musubi::cli::two_factor_enrol(ctx, json);
    if (tf_confirm->parsed()) return musubi::cli::two_factor_confirm(ctx, otp_code);
    if (tf_disable->parsed()) return musubi::cli::two_factor_disable(ctx, otp_code);
    if (tf_codes->parsed()) return musubi::cli::two_factor_recovery_codes(ctx, otp_code);
    if (read->parsed()) return musubi::cli::mark_read(ctx, room, read_seq);
    if (readers->parsed()) return musubi::cli::read_state(ctx, room, json);
    if (templates->parsed()) return list_templates(ctx, json);
    if (record->parsed()) return post_record(ctx, room, template_id, file, addressing);
    if (plan->parsed()) return current_plan(ctx, room, json);
    if (correct->parsed()) return musubi::cli::correct(ctx, correction);
    if (withdraw->parsed()) return musubi::cli::withdraw(ctx, room, seq, reason);
    if (export_fhir->parsed()) return musubi::cli::export_fhir(ctx, room, seq, output);
    if (attach->parsed()) return musubi::cli::attach(ctx, room, file, text);
    if (download->parsed()) return musubi::cli::download(ctx, attachment_id, output);
    if (rooms->parsed()) return list_rooms(ctx, json);
    if (patient_register->parsed()) return register_patient(ctx, new_patient);
    if (patient_show->parsed()) return show_patient(ctx, patient_id, json);
    if (patient_list->parsed()) return list_patients(ctx, json);
    if (patient_consent->parsed()) return record_consent(ctx, consent);
    if (request_file->parsed()) return file_request(ctx, new_request);
    if (request_list->parsed()) return list_requests(ctx, json);
    if (request_show->parsed()) return show_request(ctx, request_id, json);
    for (const auto& s : steps) {
      if (s.command->parsed()) {
        step.action = s.action;
        step.note = note;
        return act_on_request(ctx, step);
      }
    }
    if (room_info->parsed()) return musubi::cli::room_info(ctx, room, json);
    if (room_close->parsed()) return close_room(ctx, room, close_reason, note);
    if (room_add->parsed()) return add_member(ctx, room, login_arg, admin);
    if (room_remove->parsed()) return remove_member(ctx, room, login_arg);
    if (room_members->parsed()) return list_members(ctx, room, json);
    if (post->parsed()) return musubi::cli::post(ctx, room, text, addressing);
    if (inbox_read->parsed()) return mark_inbox_read(ctx, notification_ids, all);
    if (inbox->parsed()) return musubi::cli::inbox(ctx, inbox_options);
    if (ack->parsed()) return acknowledge(ctx, room, seq, note);
    if (acks->parsed()) return acknowledgements(ctx, room, seq_filter, json);
    if (emergency->parsed()) return raise_emergency(ctx, room, note, json);
    if (emergency_status->parsed()) {
      return musubi::cli::emergency_status(ctx, room, seq_filter, json);
    }
    if (emergency_close->parsed()) return close_emergency(ctx, room, seq, outcome, note);
    if (history->parsed()) return musubi::cli::history(ctx, history_options);
    if (tail->parsed()) return musubi::cli::tail(ctx, tail_options);
    return 2;  // require_subcommand makes this unreachable
  } catch (const CliError& e) {
    std::cout.flush();
    std::cerr << "musubi: " << e.what() << std::endl;
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "musubi: " << e.what() << std::endl;
    return 1;
  }
}
