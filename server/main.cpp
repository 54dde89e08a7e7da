// musubid: the musubi server, and its administration commands.
#include <fstream>
#include <iostream>
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "musubi_version.hpp"
#include "server/admin_commands.hpp"
#include "server/audit_commands.hpp"
#include "server/backup_commands.hpp"
#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/log.hpp"
#include "server/retention_commands.hpp"
#include "server/self_signed_certificate.hpp"
#include "server/server.hpp"

namespace {

using musubi::server::ServerConfig;

// Flags given on the command line; each overrides the config file.
struct Overrides {
  std::optional<std::string> municipality;
  std::optional<std::string> listen;
  std::optional<std::string> data;
  std::optional<std::string> cert;
  std::optional<std::string> key;
  std::optional<unsigned> threads;
  std::optional<std::size_t> max_frame_bytes;
  std::optional<std::size_t> max_json_depth;
  std::optional<std::size_t> max_text_chars;
  std::optional<double> requests_per_second;
  std::optional<double> request_burst;
  std::optional<std::size_t> send_queue_bytes;
  std::optional<std::size_t> max_connections_per_address;
  std::optional<int> max_failed_signins;
  std::optional<int> lockout_seconds;
  std::optional<std::string> synchronous;
  std::optional<std::int64_t> token_ttl_days;

  void apply(ServerConfig& c) const {
    if (municipality) c.municipality = *municipality;
    if (listen) c.listen = *listen;
    if (data) c.data_dir = *data;
    if (cert) c.cert_file = *cert;
    if (key) c.key_file = *key;
    if (threads) c.threads = *threads;
    if (max_frame_bytes) c.limits.max_frame_bytes = *max_frame_bytes;
    if (max_json_depth) c.limits.max_json_depth = *max_json_depth;
    if (max_text_chars) c.limits.max_text_chars = *max_text_chars;
    if (requests_per_second) c.limits.requests_per_second = *requests_per_second;
    if (request_burst) c.limits.request_burst = *request_burst;
    if (send_queue_bytes) c.limits.send_queue_bytes = *send_queue_bytes;
    if (max_connections_per_address) {
      c.limits.max_connections_per_address = *max_connections_per_address;
    }
    if (max_failed_signins) c.limits.max_failed_signins = *max_failed_signins;
    if (lockout_seconds) c.limits.lockout_seconds = *lockout_seconds;
    if (synchronous) c.storage.synchronous = *synchronous;
    if (token_ttl_days) c.security.token_ttl_days = *token_ttl_days;
  }
};

int serve(const ServerConfig& config) {
  // Signals are taken by sigwait() below, never by the network threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  musubi::server::Server server(config);
  server.start();
  const auto host = musubi::server::parse_listen_address(config.listen).host;
  const std::string authority = (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                                ":" + std::to_string(server.port());
  std::cout << "musubid " << musubi::kVersion << " listening on https://" << authority
            << " (WebSocket: wss://" << authority << "/ws)\n";
  std::cout << "  data: " << config.data_dir.string()
            << "   certificate: " << server.cert_file().string() << "\n"
            << "  certificate SHA-256: "
            << musubi::server::certificate_fingerprint(server.cert_file()) << "\n";
  if (const auto& password = server.bootstrap_password()) {
    std::cout << "\nFirst start: created the administrator \"admin\" with this one-time password "
                 "(it is not stored and will not be shown again):\n\n    "
              << *password << "\n\n"
              << "  Sign in:         musubi --server wss://" << authority << " --ca "
              << server.cert_file().string() << " login admin\n"
              << "  Change it with:  musubid --data " << config.data_dir.string()
              << " user passwd admin\n\n";
  }
  std::cout << std::flush;

  int signal = 0;
  sigwait(&signals, &signal);
  MUSUBI_LOG(info) << "received " << (signal == SIGTERM ? "SIGTERM" : "SIGINT");
  server.stop();
  server.wait();
  MUSUBI_LOG(info) << "stopped";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"musubid: real-time messaging server for home-care teams"};
  app.set_version_flag("--version", std::string("musubid ") + musubi::kVersion);
  std::string config_file;
  Overrides flags;
  std::string log_level = "info";
  app.add_option("--config", config_file, "TOML config file (see docs/musubid.example.toml)")
      ->check(CLI::ExistingFile);
  app.add_option("--municipality", flags.municipality,
                 "the city whose network this is (patients live there), default 柏市");
  app.add_option("--listen", flags.listen, "address and port, default 127.0.0.1:8443");
  app.add_option("--data", flags.data, "data directory, default ./var");
  app.add_option("--cert", flags.cert, "TLS certificate chain (PEM); default <data>/tls/cert.pem");
  app.add_option("--key", flags.key, "TLS private key (PEM); default <data>/tls/key.pem");
  app.add_option("--threads", flags.threads, "network threads, default one per core");
  app.add_option("--max-frame-bytes", flags.max_frame_bytes, "largest WebSocket message");
  app.add_option("--max-json-depth", flags.max_json_depth, "deepest JSON nesting");
  app.add_option("--max-text-chars", flags.max_text_chars, "longest posted message");
  app.add_option("--requests-per-second", flags.requests_per_second, "per connection");
  app.add_option("--request-burst", flags.request_burst, "per connection");
  app.add_option("--send-queue-bytes", flags.send_queue_bytes,
                 "per connection; a slower client is disconnected");
  app.add_option("--max-connections-per-address", flags.max_connections_per_address,
                 "open connections per IPv4 address or IPv6 /64; 0: no cap");
  app.add_option("--max-failed-signins", flags.max_failed_signins, "before a login is locked");
  app.add_option("--lockout-seconds", flags.lockout_seconds, "first lockout; doubles after");
  app.add_option("--synchronous", flags.synchronous, "SQLite synchronous: FULL (default), NORMAL")
      ->check(CLI::IsMember({"OFF", "NORMAL", "FULL", "EXTRA"}));
  app.add_option("--token-ttl-days", flags.token_ttl_days,
                 "sliding session lifetime of a remembered device")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{36500}));
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));

  auto* user = app.add_subcommand("user", "manage users (works while the server runs)");
  user->require_subcommand(1);
  std::string login;
  musubi::server::UserSpec new_user;
  bool json = false;
  auto* add = user->add_subcommand("add", "add a user; the password is read from stdin");
  add->add_option("login", new_user.login, "login name")->required();
  add->add_option("--name", new_user.name, "display name, e.g. \"佐藤 花子\"")->required();
  add->add_option("--org", new_user.org, "organization code (musubid org list)")->required();
  add->add_option("--profession", new_user.profession,
                  "physician, dentist, pharmacist, nurse, care_manager, msw, rehabilitation, "
                  "home_helper, care_worker, community_support, welfare_equipment, "
                  "consultation_support, office_staff, city_staff")
      ->required();
  add->add_option("--role", new_user.role, "member (default), org_contact or city_admin");
  auto* list = user->add_subcommand("list", "list users");
  list->add_flag("--json", json, "one JSON object per line");
  auto* disable = user->add_subcommand("disable", "disable a user and close their connections");
  disable->add_option("login", login)->required();
  auto* enable = user->add_subcommand("enable", "re-enable a disabled user");
  enable->add_option("login", login)->required();
  auto* reset_two_factor = user->add_subcommand(
      "reset-2fa", "turn off a user's two-factor sign-in (lost phone) and revoke their sessions");
  reset_two_factor->add_option("login", login)->required();
  auto* passwd = user->add_subcommand("passwd", "set a password, read from stdin");
  passwd->add_option("login", login)->required();
  auto* revoke_sessions = user->add_subcommand(
      "revoke-sessions", "sign every device of a user out; the account stays enabled");
  revoke_sessions->add_option("login", login)->required();
  std::string import_file;
  std::optional<std::string> import_orgs_file;
  auto* user_import = user->add_subcommand(
      "import", "import users from CSV: login,name,org,profession,role,password (see README)");
  user_import->add_option("file", import_file, "UTF-8 CSV file with a header row")
      ->required()
      ->check(CLI::ExistingFile);
  user_import
      ->add_option("--orgs", import_orgs_file,
                   "an organizations CSV file imported in the same transaction")
      ->check(CLI::ExistingFile);

  auto* org = app.add_subcommand("org", "manage organizations (works while the server runs)");
  org->require_subcommand(1);
  musubi::server::OrgSpec new_org;
  auto* org_add = org->add_subcommand("add", "register an organization (membership rule applies)");
  org_add->add_option("code", new_org.code, "short code, e.g. kashiwa-vn-01")->required();
  org_add->add_option("--name", new_org.name, "name, e.g. \"柏訪問看護ステーション\"")->required();
  org_add
      ->add_option("--type", new_org.type,
                   "hospital, clinic, dental_clinic, pharmacy, visiting_nursing, "
                   "care_management, home_help, day_service, day_rehabilitation, "
                   "periodic_visit, night_home_help, welfare_equipment, consultation_support, "
                   "community_support_center, municipal_office")
      ->required();
  org_add->add_option("--address", new_org.address, "address");
  org_add->add_option("--municipality", new_org.municipality, "where it is located, e.g. 柏市")
      ->required();
  org_add->add_option("--association", new_org.association,
                      "its professional association (職能団体), e.g. 柏市医師会");
  org_add->add_option("--association-area", new_org.association_area,
                      "the area that association covers, e.g. 柏市");
  org_add->add_option("--registered-on", new_org.registered_on, "YYYY-MM-DD, default today");
  auto* org_list = org->add_subcommand("list", "list organizations");
  org_list->add_flag("--json", json, "one JSON object per line");
  std::string retire_on;
  auto* org_retire =
      org->add_subcommand("retire", "retire an organization and sign out all of its users");
  org_retire->add_option("code", login, "organization code")->required();
  org_retire->add_option("--on", retire_on, "YYYY-MM-DD, default today");
  auto* org_import = org->add_subcommand(
      "import",
      "import organizations from CSV: code,name,type,address,municipality,association,"
      "association_area,registered_on");
  org_import->add_option("file", import_file, "UTF-8 CSV file with a header row")
      ->required()
      ->check(CLI::ExistingFile);

  auto* audit = app.add_subcommand("audit", "check and export the audit log");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "check the audit log's hash chain");
  std::string audit_from;
  std::string audit_to;
  std::string audit_out;
  auto* audit_export =
      audit->add_subcommand("export", "write audit entries in [--from, --to) as CSV");
  audit_export->add_option("--from", audit_from, "YYYY-MM-DD (local) or RFC 3339 time")->required();
  audit_export->add_option("--to", audit_to, "YYYY-MM-DD (that day included) or RFC 3339 time")
      ->required();
  audit_export->add_option("--out", audit_out, "file to write (mode 0600); default stdout");

  std::string backup_dir;
  auto* backup = app.add_subcommand(
      "backup", "copy the database and attachments into DEST while the server runs, then check it");
  backup->add_option("dest", backup_dir, "a new or empty directory")->required();
  auto* restore = app.add_subcommand(
      "restore", "check the backup in SRC and copy it into an empty data directory");
  restore->add_option("src", backup_dir, "a directory written by musubid backup")
      ->required()
      ->check(CLI::ExistingDirectory);

  bool retention_apply = false;
  auto* retention = app.add_subcommand(
      "retention",
      "list closed rooms past retention.closed_room_years (dry run); --apply purges them");
  retention->add_flag("--apply", retention_apply,
                      "delete those rooms' content and files (audited; cannot be undone)");

  CLI11_PARSE(app, argc, argv);

  using musubi::server::log::Level;
  musubi::server::log::set_min_level(log_level == "debug"   ? Level::debug
                                     : log_level == "warn"  ? Level::warn
                                     : log_level == "error" ? Level::error
                                                            : Level::info);
  ServerConfig config;
  try {
    if (!config_file.empty()) musubi::server::load_config_file(config_file, config);
    flags.apply(config);
    if (add->parsed()) {
      return musubi::server::user_add(config, new_user, std::cin, std::cout, std::cerr);
    }
    if (list->parsed()) return musubi::server::user_list(config, json, std::cout, std::cerr);
    if (org_add->parsed()) return musubi::server::org_add(config, new_org, std::cout, std::cerr);
    if (org_list->parsed()) return musubi::server::org_list(config, json, std::cout, std::cerr);
    if (org_retire->parsed()) {
      return musubi::server::org_retire(config, login, retire_on, std::cout, std::cerr);
    }
    if (org_import->parsed()) {
      return musubi::server::org_import(config, import_file, std::cout, std::cerr);
    }
    if (user_import->parsed()) {
      std::optional<std::filesystem::path> orgs;
      if (import_orgs_file) orgs = *import_orgs_file;
      return musubi::server::user_import(config, import_file, orgs, std::cout, std::cerr);
    }
    if (revoke_sessions->parsed()) {
      return musubi::server::user_revoke_sessions(config, login, std::cout, std::cerr);
    }
    if (disable->parsed()) {
      return musubi::server::user_set_disabled(config, login, true, std::cout, std::cerr);
    }
    if (enable->parsed()) {
      return musubi::server::user_set_disabled(config, login, false, std::cout, std::cerr);
    }
    if (reset_two_factor->parsed()) {
      return musubi::server::user_reset_two_factor(config, login, std::cout, std::cerr);
    }
    if (backup->parsed()) return musubi::server::backup(config, backup_dir, std::cout, std::cerr);
    if (restore->parsed()) {
      return musubi::server::restore(config, backup_dir, std::cout, std::cerr);
    }
    if (audit_verify->parsed()) return musubi::server::audit_verify(config, std::cout, std::cerr);
    if (retention->parsed()) {
      return musubi::server::retention(config, retention_apply, musubi::server::now_ms(), std::cout,
                                       std::cerr);
    }
    if (audit_export->parsed()) {
      const auto from = musubi::server::parse_time_bound(audit_from, false);
      const auto to = musubi::server::parse_time_bound(audit_to, true);
      if (!from || !to) {
        std::cerr << "musubid: --from and --to take YYYY-MM-DD or an RFC 3339 time\n";
        return 2;
      }
      if (audit_out.empty()) {
        return musubi::server::audit_export(config, *from, *to, std::cout, std::cerr);
      }
      const auto old_mask = ::umask(077);  // the log names people: keep the file private
      std::ofstream file(audit_out, std::ios::binary | std::ios::trunc);
      ::umask(old_mask);
      if (!file) {
        std::cerr << "musubid: cannot write " << audit_out << "\n";
        return 1;
      }
      return musubi::server::audit_export(config, *from, *to, file, std::cerr);
    }
    if (passwd->parsed()) {
      return musubi::server::user_passwd(config, login, std::cin, std::cout, std::cerr);
    }
    return serve(config);
  } catch (const std::exception& e) {
    std::cerr << "musubid: " << e.what() << "\n";
    return 1;
  }
}
