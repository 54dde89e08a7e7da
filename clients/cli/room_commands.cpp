// rooms, room create, room add, room remove, room members.
#include <iostream>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/operations.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

// A field of a JSON object as plain text for a tab-separated line ("" when absent).
std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) return terminal_safe(it->get<std::string>());
  return it->dump();
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

}  // namespace

int list_rooms(const Context& ctx, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::list_rooms, json::object());
  for (const auto& room : result.value("rooms", json::array())) {
    if (as_json) {
      std::cout << json_line(room) << "\n";
    } else {
      std::cout << text_of(room, "room") << "\t" << text_of(room, "title") << "\t"
                << text_of(room, "role") << "\t" << text_of(room, "last_seq") << "\t"
                << text_of(room, "members") << "\n";
    }
  }
  std::cout << std::flush;
  return 0;
}

int create_room(const Context& ctx, const std::string& title) {
  require_utf8(title, "TITLE");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::create_room, {{"title", title}});
  std::cout << text_of(result, "room") << std::endl;
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
  for (const auto& member : result.value("members", json::array())) {
    if (as_json) {
      std::cout << json_line(member) << "\n";
    } else {
      std::cout << text_of(member, "login") << "\t" << text_of(member, "name") << "\t"
                << text_of(member, "role") << "\n";
    }
  }
  std::cout << std::flush;
  return 0;
}

}  // namespace musubi::cli
