// 2fa enrol, 2fa confirm, 2fa disable, 2fa recovery-codes: the user's own second factor.
#include <iostream>

#include "clients/cli/commands.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/account_operations.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

json call_as_me(const Context& ctx, std::string_view op, const json& body) {
  const State state = ctx.store.load();
  auto session = open_stored_session(ctx.options, state);
  return session->call(op, body);
}

void print_recovery_codes(const json& result) {
  std::cout << "回復コード / recovery codes (each works once; keep them on paper, away from the "
               "phone):\n";
  for (const auto& code : result.value("recovery_codes", json::array()))
    std::cout << "  " << terminal_safe(code.get<std::string>()) << "\n";
  std::cout << std::flush;
}

}  // namespace

int two_factor_enrol(const Context& ctx, bool as_json) {
  const auto result = call_as_me(ctx, protocol::op::totp_enroll, json::object());
  if (as_json) {
    std::cout << result.dump() << std::endl;
    return 0;
  }
  std::cout << "認証アプリにこのアカウントを追加してください / add this account to your "
               "authenticator app:\n  "
            << terminal_safe(result.value("uri", "")) << "\n"
            << "手入力の場合のキー / or type this key: "
            << terminal_safe(result.value("secret", "")) << "\n"
            << "次に表示された6桁のコードで確認 / then confirm with the 6-digit code it shows:\n"
            << "  musubi 2fa confirm CODE" << std::endl;
  return 0;
}

int two_factor_confirm(const Context& ctx, const std::string& code) {
  const auto result = call_as_me(ctx, protocol::op::totp_confirm, json{{"code", code}});
  std::cout << "二要素認証を有効にしました / two-factor sign-in is on" << std::endl;
  print_recovery_codes(result);
  return 0;
}

int two_factor_disable(const Context& ctx, const std::string& code) {
  call_as_me(ctx, protocol::op::totp_disable, json{{"code", code}});
  std::cout << "二要素認証を無効にしました / two-factor sign-in is off" << std::endl;
  return 0;
}

int two_factor_recovery_codes(const Context& ctx, const std::string& code) {
  print_recovery_codes(call_as_me(ctx, protocol::op::recovery_codes, json{{"code", code}}));
  return 0;
}

}  // namespace musubi::cli
