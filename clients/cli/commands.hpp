#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clients/cli/connection_settings.hpp"
#include "clients/cli/state_store.hpp"

namespace musubi::cli {

// What every command gets: the global flags and the identity's state file.
struct Context {
  GlobalOptions options;
  StateStore store;
};

// Each command prints its result on stdout and returns the exit code; failures are thrown as
// CliError (main prints them). Defined in account_commands.cpp, room_commands.cpp,
// message_commands.cpp and tail_command.cpp.

// Signs in with the password from stdin (or a prompt); remembers server, CA, login and token.
int login(const Context& ctx, const std::string& login);
// Signs the stored session out on the server and forgets the token (even if the server is gone).
int logout(const Context& ctx);

int list_rooms(const Context& ctx, bool json);
int create_room(const Context& ctx, const std::string& title);
int add_member(const Context& ctx, const std::string& room, const std::string& login, bool admin);
int remove_member(const Context& ctx, const std::string& room, const std::string& login);
int list_members(const Context& ctx, const std::string& room, bool json);

// Posts TEXT ("-": read it from stdin) with a fresh nonce; after a dropped connection it retries
// once with the same nonce, so the message is stored once. Prints the seq.
int post(const Context& ctx, const std::string& room, const std::string& text);

struct HistoryOptions {
  std::string room;
  bool json = false;
  std::int64_t limit = 50;
  std::optional<std::int64_t> before;  // only events with seq < before
};
// Prints the last `limit` events (before `before`), oldest first.
int history(const Context& ctx, const HistoryOptions& options);

struct TailOptions {
  std::string room;
  bool json = false;
  std::optional<std::int64_t> from;  // replay from this seq first; default: new events only
  int keepalive_seconds = 30;        // after this much silence, check that the server still answers
};
// Follows a room until SIGINT/SIGTERM, reconnecting as needed; see tail_command.cpp.
int tail(const Context& ctx, const TailOptions& options);

}  // namespace musubi::cli
