#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clients/cli/connection_settings.hpp"
#include "clients/cli/state_store.hpp"

namespace musubi::cli {

// What every command gets: the global flags and the identity's state file.
struct Context {
  GlobalOptions options;
  StateStore store;
};

// Each command prints its result on stdout and returns the exit code; failures are thrown as
// CliError (main prints them). Defined in account_commands.cpp, patient_commands.cpp,
// request_commands.cpp, room_commands.cpp, message_commands.cpp, record_commands.cpp,
// notification_commands.cpp, emergency_commands.cpp and tail_command.cpp.

// Signs in with the password from stdin (or a prompt); remembers server, CA, login and token.
int login(const Context& ctx, const std::string& login);
// Signs the stored session out on the server and forgets the token (even if the server is gone).
int logout(const Context& ctx);

// Two-factor sign-in (two_factor_commands.cpp): enrol prints the provisioning URI and key,
// confirm turns it on with the app's first code and prints the recovery codes.
int two_factor_enrol(const Context& ctx, bool json);
int two_factor_confirm(const Context& ctx, const std::string& code);
int two_factor_disable(const Context& ctx, const std::string& code);
int two_factor_recovery_codes(const Context& ctx, const std::string& code);

// A patient's record; the server admits residents of its municipality only. Prints the id.
struct NewPatient {
  std::string name;
  std::string kana;
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // female, male, other, unknown
  std::string municipality;
  std::string address;
};
int register_patient(const Context& ctx, const NewPatient& patient);
int show_patient(const Context& ctx, const std::string& patient, bool json);
int list_patients(const Context& ctx, bool json);

// The patient's consent to information sharing, without which no room opens.
struct Consent {
  std::string patient;
  std::string date;  // YYYY-MM-DD
  std::string obtained_by;
  std::string note;
};
int record_consent(const Context& ctx, const Consent& consent);

// A request (申出) to open the patient's room, naming the attending physician and the first
// team (logins). Prints the request's id.
struct NewRequest {
  std::string patient;
  std::string physician;
  std::vector<std::string> team;
  std::string note;
};
int file_request(const Context& ctx, const NewRequest& request);
int list_requests(const Context& ctx, bool json);
int show_request(const Context& ctx, const std::string& request, bool json);

// One step of the room-opening workflow: `action` is the protocol's (accept, decline,
// ask_stand_in, stand_in_accept, stand_in_decline, proceed_without_physician, add_team_member,
// withdraw); `login` names the stand-in or the new team member. Prints the room's id when the
// step opened the room, else the request's new state (and what may come next on stderr).
struct RequestStep {
  std::string request;
  std::string action;
  std::string login;  // empty: none
  std::string note;
};
int act_on_request(const Context& ctx, const RequestStep& step);

int list_rooms(const Context& ctx, bool json);
// Marks the room read up to SEQ (default: its last entry); prints the last read seq.
int mark_read(const Context& ctx, const std::string& room, std::optional<std::int64_t> seq);
// How far each member has read (only yourself when the room does not share read state).
int read_state(const Context& ctx, const std::string& room, bool json);
int room_info(const Context& ctx, const std::string& room, bool json);
// Closes a room at the end of care (death, moved, end_of_service); it stays readable.
int close_room(const Context& ctx, const std::string& room, const std::string& reason,
               const std::string& note);
int add_member(const Context& ctx, const std::string& room, const std::string& login, bool admin);
int remove_member(const Context& ctx, const std::string& room, const std::string& login);
int list_members(const Context& ctx, const std::string& room, bool json);

// Whom a post calls on: members by login, members by profession code, and whether they must
// acknowledge it (要確認). Without any, the post notifies nobody.
struct Addressing {
  std::vector<std::string> mentions;
  std::vector<std::string> professions;
  bool requires_ack = false;

  bool any() const { return !mentions.empty() || !professions.empty() || requires_ack; }
  // Adds "mentions", "mention_professions" and "requires_ack" to a room.post(_record) body.
  void add_to(nlohmann::json& body) const;
  // Tells, on stderr (stdout is the seq alone, for scripts), how many the post notified.
  void report_notified(const nlohmann::json& reply) const;
};

// Posts TEXT ("-": read it from stdin) with a fresh nonce; after a dropped connection it retries
// once with the same nonce, so the message is stored once. Prints the seq (and, on stderr, how
// many were notified when it is addressed).
int post(const Context& ctx, const std::string& room, const std::string& text,
         const Addressing& addressing);

struct HistoryOptions {
  std::string room;
  bool json = false;
  std::int64_t limit = 50;
  std::optional<std::int64_t> before;  // only events with seq < before
};
// Prints the last `limit` events (before `before`), oldest first.
int history(const Context& ctx, const HistoryOptions& options);

// Structured records (record_commands.cpp). FILE "-" reads stdin.
int list_templates(const Context& ctx, bool json);
// Posts the JSON object in FILE as a record of TEMPLATE; prints the seq.
int post_record(const Context& ctx, const std::string& room, const std::string& template_id,
                const std::string& file, const Addressing& addressing);
// The room's current emergency plan and ACP decision (their latest revisions).
int current_plan(const Context& ctx, const std::string& room, bool json);
// A new revision of the message (`text`) or record (`file`, the whole record) at `seq`.
struct Correction {
  std::string room;
  std::int64_t seq = 0;
  std::string text;
  std::string file;
  std::string reason;
};
int correct(const Context& ctx, const Correction& correction);
int withdraw(const Context& ctx, const std::string& room, std::int64_t seq,
             const std::string& reason);
// The discharge summary at SEQ (its latest revision) as an HL7 FHIR R4 document Bundle, written
// to OUTPUT ("-": stdout).
int export_fhir(const Context& ctx, const std::string& room, std::int64_t seq,
                const std::string& output);
// Uploads FILE over HTTPS and posts it with TEXT; prints the seq and the attachment id.
int attach(const Context& ctx, const std::string& room, const std::string& file,
           const std::string& text);
// Saves an attachment to OUTPUT ("-": stdout).
int download(const Context& ctx, const std::string& id, const std::string& output);

// The notification inbox and acknowledgements (要確認) (notification_commands.cpp).
struct InboxOptions {
  bool unread_only = false;
  std::int64_t limit = 50;
  bool json = false;
};
// Prints the notifications, newest first.
int inbox(const Context& ctx, const InboxOptions& options);
// Marks the notifications `ids` (or all of them) read; prints how many, and how many are left.
int mark_inbox_read(const Context& ctx, const std::vector<std::int64_t>& ids, bool all);
// Acknowledges the entry at SEQ; on an open emergency's raise entry this is responding to it.
int acknowledge(const Context& ctx, const std::string& room, std::int64_t seq,
                const std::string& note);
// Who must acknowledge which entries and who has: the entry at `seq`, or every entry still
// awaiting someone.
int acknowledgements(const Context& ctx, const std::string& room, std::optional<std::int64_t> seq,
                     bool json);

// The emergency call (emergency_commands.cpp). Raising prints who was alerted and the plan's
// steps for a helper alone.
int raise_emergency(const Context& ctx, const std::string& room, const std::string& note,
                    bool json);
// The room's latest emergency, or the one raised at `seq`.
int emergency_status(const Context& ctx, const std::string& room, std::optional<std::int64_t> seq,
                     bool json);
// Ends the emergency raised at SEQ with OUTCOME (stable_at_home, transported, admitted, died,
// false_alarm, other).
int close_emergency(const Context& ctx, const std::string& room, std::int64_t seq,
                    const std::string& outcome, const std::string& note);

struct TailOptions {
  std::string room;
  bool json = false;
  std::optional<std::int64_t> from;  // replay from this seq first; default: new events only
  int keepalive_seconds = 30;        // after this much silence, check that the server still answers
};
// Follows a room until SIGINT/SIGTERM, reconnecting as needed; see tail_command.cpp.
int tail(const Context& ctx, const TailOptions& options);

}  // namespace musubi::cli
