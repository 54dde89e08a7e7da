// musubi: the command-line client. Wires the command line (CLI11) to the commands in
// commands.hpp; every failure ends here as "musubi: MESSAGE" on stderr and a non-zero exit
// (2: usage, 1: anything else).
#include <cstdio>
#include <iostream>

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

  std::string login_name, room, text, login_arg;
  bool json = false, admin = false;
  HistoryOptions history_options;
  TailOptions tail_options;

  auto* login =
      app.add_subcommand("login",
                         "sign in; the password is read from stdin, or prompted for on a terminal. "
                         "Remembers --server, --ca and --insecure");
  login->add_option("LOGIN", login_name, "your login")->required();

  auto* logout = app.add_subcommand("logout", "sign out and forget the session token");

  auto* rooms = app.add_subcommand("rooms", "list your rooms: id, title, role, last seq, members");
  rooms->add_flag("--json", json, "one JSON object per line");

  auto* room_cmd = app.add_subcommand("room", "create rooms and manage their members");
  room_cmd->require_subcommand(1);
  auto* room_create = room_cmd->add_subcommand("create", "create a room; prints its id");
  room_create->add_option("TITLE", text, "e.g. \"佐藤 一郎 様\"")->required();
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

  auto* post = app.add_subcommand("post", "post a message; prints its seq");
  post->add_option("ROOM", room, "room id")->required();
  post->add_option("TEXT", text, "the message; - reads it from stdin")->required();

  auto* history = app.add_subcommand("history", "print a room's recent events, oldest first");
  history->add_option("ROOM", history_options.room, "room id")->required();
  history->add_flag("--json", history_options.json, "one JSON object per line");
  // Ranges are checked by the commands, with plainer messages than CLI11's.
  history->add_option("--limit", history_options.limit, "how many events (default 50)");
  history->add_option("--before", history_options.before, "only events before this seq");

  auto* tail = app.add_subcommand(
      "tail", "print a room's events as they happen, until Ctrl-C; reconnects by itself");
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
    if (rooms->parsed()) return list_rooms(ctx, json);
    if (room_create->parsed()) return create_room(ctx, text);
    if (room_add->parsed()) return add_member(ctx, room, login_arg, admin);
    if (room_remove->parsed()) return remove_member(ctx, room, login_arg);
    if (room_members->parsed()) return list_members(ctx, room, json);
    if (post->parsed()) return musubi::cli::post(ctx, room, text);
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
