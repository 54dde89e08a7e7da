#pragma once

// The real musubid binary as a child process, on a loopback port and a data directory of its
// own, with cheap password hashing and a fast revocation poll so that the tests run quickly.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cli/child_process.hpp"

namespace musubi::testing {

inline constexpr milliseconds kStartTimeout{15000};
inline constexpr milliseconds kStopTimeout{20000};  // the drain is bounded by 10 s on the server

// The build directory these tests were built in (a compile definition from tests/CMakeLists.txt).
inline std::filesystem::path build_dir() {
  return MUSUBI_BUILD_DIR;
}
inline std::string musubid_binary() {
  return (build_dir() / "server" / "musubid").string();
}
inline std::string musubi_binary() {
  return (build_dir() / "clients" / "cli" / "musubi").string();
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// musubid under `dir`: data in dir/data, config dir/musubid.toml, log (stderr) dir/musubid.log.
class Musubid {
 public:
  // `two_factor_roles`: the policy, a TOML array; none by default, so that only the tests about
  // two-factor sign-in need authenticator codes.
  explicit Musubid(std::filesystem::path dir, const std::string& two_factor_roles = "[]")
      : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    std::ofstream(config_file()) << "# Test settings: fast hashing and revocation polling.\n"
                                    "threads = 2\n"
                                    "[security]\n"
                                    "argon2_ops = 1\n"
                                    "argon2_memory_kib = 1024\n"
                                 << "two_factor_roles = " << two_factor_roles
                                 << "\n"
                                    "[timeouts]\n"
                                    "revocation_poll_ms = 50\n"
                                    "[limits]\n"
                                    "requests_per_second = 1000.0\n"
                                    "request_burst = 1000.0\n";
  }

  // Starts it and reads its banner: the port from "musubid X listening on https://HOST:PORT",
  // and on a first start the one-time password on the indented line after "First start:".
  // `port` 0: an ephemeral one. Throws (with the log) when it does not come up.
  void start(unsigned short port = 0) {
    const bool fresh = !std::filesystem::exists(data_dir() / "musubi.db");
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{musubid_binary(), "--config", config_file().string(), "--data",
                                 data_dir().string(), "--listen",
                                 "127.0.0.1:" + std::to_string(port)},
        ChildProcess::Options{{}, {}, log_file()});
    banner_.clear();
    bootstrap_password_.reset();
    const auto first = banner_line();
    const std::string marker = "listening on https://127.0.0.1:";
    const auto at = first.find(marker);
    if (at == std::string::npos) fail_start("unexpected first line: " + first);
    port_ = static_cast<unsigned short>(std::stoi(first.substr(at + marker.size())));
    // The banner ends with the certificate's fingerprint, or with the first-start block.
    while (banner_line().find("certificate SHA-256:") == std::string::npos) {
    }
    if (fresh) {
      while (banner_line().find("First start:") == std::string::npos) {
      }
      std::string line;
      while ((line = banner_line()).empty()) {
      }
      bootstrap_password_ = line.substr(line.find_first_not_of(' '));
    }
  }

  // SIGTERM, then waits for the exit (and the end of its output).
  ExitStatus stop() {
    process_->send_signal(SIGTERM);
    const auto status = process_->wait_exit(kStopTimeout);
    if (!status) throw std::runtime_error("musubid did not stop after SIGTERM\n" + log());
    return *status;
  }

  // Stops it and starts it again on the same data directory and port (so that clients that
  // remember the address find it again).
  void restart() {
    EXPECT_EQ(stop().describe(), "exit 0");
    start(port_);
  }

  unsigned short port() const { return port_; }
  std::string url() const { return "wss://127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path cert_file() const { return data_dir() / "tls" / "cert.pem"; }
  std::filesystem::path config_file() const { return dir_ / "musubid.toml"; }
  std::filesystem::path log_file() const { return dir_ / "musubid.log"; }
  std::string log() const { return read_file(log_file()); }
  const std::optional<std::string>& bootstrap_password() const { return bootstrap_password_; }
  const std::string& banner() const { return banner_; }
  ChildProcess& process() { return *process_; }

  // `musubid --config ... --data ... ARGS...` (the org and user administration commands).
  ProcessResult admin(std::vector<std::string> args, const std::string& input = {}) const {
    std::vector<std::string> argv = {musubid_binary(), "--config", config_file().string(), "--data",
                                     data_dir().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, {}, input);
  }

  // `musubid org add CODE --name NAME --type TYPE --municipality CITY --association A
  // --association-area AREA --address ADDRESS`; the test fails when it does not work.
  struct Org {
    std::string code;
    std::string name;
    std::string type;  // visiting_nursing, clinic, hospital, care_management, ...
    std::string municipality = "柏市";
    std::string association;
    std::string association_area = "柏市";
    std::string address;
  };
  void add_org(const Org& org) const {
    std::vector<std::string> args = {"org",           "add",    org.code, "--name",
                                     org.name,        "--type", org.type, "--municipality",
                                     org.municipality};
    if (!org.association.empty()) {
      args.insert(args.end(),
                  {"--association", org.association, "--association-area", org.association_area});
    }
    if (!org.address.empty()) args.insert(args.end(), {"--address", org.address});
    const auto r = admin(args);
    EXPECT_EQ(r.exit_code(), 0) << r.describe();
  }

  // `musubid user add LOGIN --name NAME --org ORG --profession P --role ROLE` with the password
  // on stdin; the test fails when it does not work.
  void add_user(const std::string& login, const std::string& name, const std::string& password,
                const std::string& org, const std::string& profession,
                const std::string& role = "member") const {
    const auto r = admin({"user", "add", login, "--name", name, "--org", org, "--profession",
                          profession, "--role", role},
                         password + "\n");
    EXPECT_EQ(r.exit_code(), 0) << r.describe();
  }

 private:
  std::string banner_line() {
    auto line = process_->read_line(kStartTimeout);
    if (!line) fail_start("banner ended early");
    banner_ += *line + "\n";
    return *line;
  }

  [[noreturn]] void fail_start(const std::string& why) {
    throw std::runtime_error("musubid did not start: " + why + "\nstdout:\n" + banner_ +
                             "\nlog:\n" + log());
  }

  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> process_;
  unsigned short port_ = 0;
  std::string banner_;
  std::optional<std::string> bootstrap_password_;
};

}  // namespace musubi::testing
