// rooms, room info, room close, room add, room remove, room members. (Rooms are opened by the
// request workflow: request_commands.cpp.)
#include <iostream>
#include <optional>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/output.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "clients/cli/vocabulary.hpp"
#include "protocol/care_operations.hpp"
#include "protocol/operations.hpp"
#include "protocol/receipt_operations.hpp"

namespace musubi::cli {

using nlohmann::json;

int list_rooms(const Context& ctx, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::list_rooms, json::object());
  for (const auto& room : result.value("rooms", json::array())) {
    if (as_json) {
      std::cout << json_line(room) << "\n";
    } else {
      std::cout << text_of(room, "room") << "\t" << text_of(room, "title") << "\t"
                << text_of(room, "role") << "\t" << text_of(room, "last_seq") << "\t"
                << text_of(room, "members") << "\t"
                << (room.value("closed", false) ? "closed" : "open") << "\t"
                << text_of(room, "unread") << " unread\n";
    }
  }
  std::cout << std::flush;
  return 0;
}

int room_info(const Context& ctx, const std::string& room, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto info = session->call(protocol::op::room_info, {{"room", room}});
  if (as_json) {
    std::cout << json_line(info) << std::endl;
    return 0;
  }
  Vocabulary words(*session);
  const json patient = info.value("patient", json::object());
  std::cout << "room       " << text_of(info, "room") << "\n"
            << "title      " << text_of(info, "title") << "\n"
            << "patient    " << text_of(patient, "name") << " (" << text_of(patient, "kana")
            << "), born " << text_of(patient, "birth_date") << ", " << text_of(patient, "patient")
            << "\n"
            << "physician  "
            << (info.value("physician_participates", false) ? "takes part" : "does not take part")
            << "\n";
  const json stand_in = info.value("stand_in", json());
  if (stand_in.is_object()) {
    const auto kind = stand_in.value("kind", std::string());
    std::cout << "stand-in   " << text_of(stand_in, "name") << " (" << text_of(stand_in, "login")
              << "), " << words.ja("professions", stand_in.value("profession", ""))
              << (kind == "hospital_liaison" ? ", for the hospital (liaison office)"
                  : kind == "clinic_staff"   ? ", for the clinic"
                                             : "")
              << "\n";
  } else {
    std::cout << "stand-in   -\n";
  }
  const json closed = info.value("closed", json());
  if (closed.is_object()) {
    std::cout << "closed     " << local_minute(closed.value("at", "")) << ", "
              << words.ja("close_reasons", closed.value("reason", "")) << " ("
              << text_of(closed, "reason") << ")";
    const auto note = text_of(closed, "note");
    if (!note.empty()) std::cout << ": " << note;
    std::cout << "; read-only\n";
  } else {
    std::cout << "closed     no\n";
  }
  std::cout << std::flush;
  return 0;
}

int close_room(const Context& ctx, const std::string& room, const std::string& reason,
               const std::string& note) {
  require_utf8(note, "--note");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"room", room}, {"reason", reason}};
  if (!note.empty()) body["note"] = note;
  session->call(protocol::op::close_room, body);
  std::cout << "closed " << terminal_safe(room) << " (" << terminal_safe(reason)
            << "); it stays readable" << std::endl;
  return 0;
}

int add_member(const Context& ctx, const std::string& room, const std::string& login, bool admin) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const std::string role = admin ? "admin" : "member";
  session->call(protocol::op::add_member, {{"room", room}, {"login", login}, {"role", role}});
  std::cout << "added " << terminal_safe(login) << " to " << terminal_safe(room) << " as " << role
            << std::endl;
  return 0;
}

int remove_member(const Context& ctx, const std::string& room, const std::string& login) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  session->call(protocol::op::remove_member, {{"room", room}, {"login", login}});
  std::cout << "removed " << terminal_safe(login) << " from " << terminal_safe(room) << std::endl;
  return 0;
}

int list_members(const Context& ctx, const std::string& room, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::list_members, {{"room", room}});
  std::optional<Vocabulary> words;
  if (!as_json) words.emplace(*session);
  for (const auto& member : result.value("members", json::array())) {
    if (as_json) {
      std::cout << json_line(member) << "\n";
    } else {
      std::cout << text_of(member, "login") << "\t" << text_of(member, "name") << "\t"
                << text_of(member, "role") << "\t"
                << words->ja("professions", member.value("profession", "")) << "\t"
                << text_of(member.value("org", json::object()), "name") << "\n";
    }
  }
  std::cout << std::flush;
  return 0;
}

int mark_read(const Context& ctx, const std::string& room, std::optional<std::int64_t> seq) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  if (!seq) {
    seq = session->call(protocol::op::read_state, {{"room", room}}).value("last_seq", 0);
    if (*seq < 1) return 0;
  }
  const auto result = session->call(protocol::op::mark_read, {{"room", room}, {"seq", *seq}});
  std::cout << text_of(result, "last_read_seq") << std::endl;
  return 0;
}

int read_state(const Context& ctx, const std::string& room, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto state = session->call(protocol::op::read_state, {{"room", room}});
  if (as_json) {
    std::cout << json_line(state) << std::endl;
    return 0;
  }
  const auto last = state.value("last_seq", 0);
  for (const auto& m : state.value("members", json::array())) {
    const auto read = m.value("last_read_seq", 0);
    std::cout << text_of(m, "login") << "\t" << text_of(m, "name") << "\t" << read
              << (read >= last ? "\tread everything"
                               : "\t" + std::to_string(last - read) + " not read")
              << "\n";
  }
  std::cout << std::flush;
  return 0;
}

}  // namespace musubi::cli
