#pragma once

// One person at the command line: the `musubi` binary with a MUSUBI_HOME of their own, so that
// several identities coexist in one test.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/child_process.hpp"
#include "tests/cli/musubid_process.hpp"

namespace musubi::testing {

inline constexpr milliseconds kCliTimeout{30000};    // one CLI command, start to exit
inline constexpr milliseconds kEventTimeout{10000};  // for something a running process must print

class CliUser {
 public:
  explicit CliUser(std::filesystem::path home) : home_(std::move(home)) {}

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path state_file() const { return home_ / "state.json"; }

  // `musubi ARGS...` to completion.
  ProcessResult run(const std::vector<std::string>& args, const std::string& input = {}) const {
    return run_process(argv(args), env(), input, kCliTimeout);
  }

  // `musubi ARGS...` left running (tail); killed when the returned object goes away.
  std::unique_ptr<ChildProcess> start(const std::vector<std::string>& args) const {
    return std::make_unique<ChildProcess>(argv(args), ChildProcess::Options{env(), {}, {}});
  }

  // `musubi --server URL --ca CERT login LOGIN` with the password on stdin; the test fails when
  // it does not print "signed in as LOGIN (...)".
  void login(const Musubid& server, const std::string& login, const std::string& password) const {
    const auto r =
        run({"--server", server.url(), "--ca", server.cert_file().string(), "login", login},
            password + "\n");
    EXPECT_EQ(r.exit_code(), 0) << r.describe();
    EXPECT_EQ(r.out.rfind("signed in as " + login + " (", 0), 0u) << r.out;
  }

  // Runs a command that must succeed and returns its stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& input = {}) const {
    const auto r = run(args, input);
    EXPECT_EQ(r.exit_code(), 0) << "musubi " << join(args) << ": " << r.describe();
    return r.out;
  }

 private:
  std::vector<std::string> argv(const std::vector<std::string>& args) const {
    std::vector<std::string> all = {musubi_binary()};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }
  Env env() const { return {{"MUSUBI_HOME", home_.string()}, {"TZ", "UTC"}}; }
  static std::string join(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args)
      text += (text.empty() ? "" : " ") + a;
    return text;
  }

  std::filesystem::path home_;
};

// Lines of text, without the newlines.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// Each line parsed as JSON (a test failure, and null, for a line that is not).
inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> values;
  for (const auto& line : lines_of(text)) {
    auto value = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(value.is_discarded()) << "not JSON: " << line;
    values.push_back(value.is_discarded() ? nlohmann::json() : std::move(value));
  }
  return values;
}

inline std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace musubi::testing
