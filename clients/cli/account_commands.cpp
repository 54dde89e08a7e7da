// login and logout.
#include <iostream>
#include <unistd.h>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/password_input.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/operations.hpp"

namespace musubi::cli {

namespace {

// "musubi CLI on HOSTNAME": the label the user sees when listing their devices.
std::string device_label() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "musubi CLI";
  return std::string("musubi CLI on ") + host;
}

// The state file holds one session: the one being replaced is signed out rather than left valid
// until it expires. Best effort, and only after the new sign-in worked (a mistyped password must
// not end the old session): it may have expired, or belong to a server that is gone.
void revoke_quietly(const State& previous) {
  try {
    auto settings = resolve_settings(GlobalOptions{}, previous);
    settings.connect.timeout = std::chrono::seconds(3);
    auto session = ServerSession::connect(settings);
    session->call(protocol::op::resume, {{"token", previous.token}});
    session->call(protocol::op::sign_out, nlohmann::json::object());
  } catch (const CliError&) {
    // Nothing to do: the session ends by itself when it expires.
  }
}

}  // namespace

int login(const Context& ctx, const std::string& login) {
  State state = ctx.store.load();
  const ConnectionSettings settings = resolve_settings(ctx.options, state);
  const std::string password = read_password(login);
  auto session = ServerSession::connect(settings);
  auto body = nlohmann::json{{"login", login}, {"password", password}, {"device", device_label()}};
  const auto timeout = std::chrono::seconds(30);  // password hashing is slow on purpose
  nlohmann::json result;
  try {
    result = session->call(protocol::op::sign_in, body, timeout);
  } catch (const CliError& e) {
    if (e.server_code() != "second_factor_required") throw;
    body["otp"] = read_one_time_code();
    result = session->call(protocol::op::sign_in, body, timeout);
  }
  const State previous = state;
  state.server = settings.server;
  state.ca_file = settings.ca_file;
  state.insecure = settings.insecure;
  const auto user = result.value("user", nlohmann::json::object());
  state.login = user.value("login", login);
  state.token = result.value("token", "");
  ctx.store.save(state);
  std::cout << "signed in as " << terminal_safe(state.login) << " ("
            << terminal_safe(user.value("name", "")) << ")" << std::endl;
  if (result.value("two_factor", "") == "enrolment_required") {
    std::cout << "二要素認証の登録が必要です / your role requires two-factor sign-in: run "
                 "`musubi 2fa enrol` now (nothing else works until then)"
              << std::endl;
  }
  if (!previous.token.empty()) revoke_quietly(previous);
  return 0;
}

int logout(const Context& ctx) {
  State state = ctx.store.load();
  if (state.token.empty()) {
    std::cerr << "musubi: not logged in" << std::endl;
    return 0;
  }
  // The token is forgotten whatever happens on the server: the point of logging out is that this
  // machine can no longer act as the user.
  const std::string token = state.token;
  state.token.clear();
  ctx.store.save(state);
  try {
    auto session = ServerSession::connect(resolve_settings(ctx.options, state));
    session->call(protocol::op::resume, {{"token", token}});
    session->call(protocol::op::sign_out, nlohmann::json::object());
  } catch (const CliError& e) {
    if (e.server_code() == "invalid_token") {
      std::cout << "signed out (the session had already ended)" << std::endl;
      return 0;
    }
    throw CliError(e.kind(),
                   std::string(e.what()) +
                       "; the token was forgotten here, but the session stays valid on the "
                       "server until it expires",
                   e.server_code());
  }
  std::cout << "signed out" << std::endl;
  return 0;
}

}  // namespace musubi::cli
