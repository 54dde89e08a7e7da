#include "clients/cli/password_input.hpp"

#include <cerrno>
#include <cstdio>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "clients/cli/cli_error.hpp"

namespace musubi::cli {

namespace {

volatile sig_atomic_t interrupted = 0;

extern "C" void note_interrupt(int) {
  interrupted = 1;
}

// Reads up to a newline (or end of input) one byte at a time, so that nothing after the line is
// consumed. Returns false when interrupted by a signal.
bool read_line(int fd, std::string& line) {
  char c = 0;
  for (;;) {
    const auto n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) {
      if (interrupted) return false;
      continue;
    }
    if (n < 0) throw CliError(CliError::Kind::local, "cannot read the password from stdin");
    if (n == 0 || c == '\n') break;
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

// Echo off, and SIGINT/SIGTERM caught, for as long as it lives: Ctrl-C must not leave the
// terminal without echo. The handler has no SA_RESTART, so that read() returns EINTR.
class QuietTerminal {
 public:
  QuietTerminal() {
    ::tcgetattr(STDIN_FILENO, &saved_);
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    struct sigaction catch_it {};
    catch_it.sa_handler = note_interrupt;
    sigemptyset(&catch_it.sa_mask);
    ::sigaction(SIGINT, &catch_it, &old_int_);
    ::sigaction(SIGTERM, &catch_it, &old_term_);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  ~QuietTerminal() {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  QuietTerminal(const QuietTerminal&) = delete;
  QuietTerminal& operator=(const QuietTerminal&) = delete;

 private:
  termios saved_{};
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace

namespace {

// A secret line from stdin: the next line when stdin is not a terminal, else after `prompt`
// on stderr, without echo.
std::string read_secret(const std::string& prompt, const char* what) {
  std::string secret;
  if (!::isatty(STDIN_FILENO)) {
    read_line(STDIN_FILENO, secret);
  } else {
    std::fputs(prompt.c_str(), stderr);
    std::fflush(stderr);
    bool complete = false;
    {
      QuietTerminal quiet;
      complete = read_line(STDIN_FILENO, secret);
    }
    std::fputs("\n", stderr);
    if (!complete) throw CliError(CliError::Kind::local, "interrupted");
  }
  if (secret.empty()) throw CliError(CliError::Kind::usage, std::string("no ") + what + " given");
  return secret;
}

}  // namespace

std::string read_password(const std::string& login) {
  return read_secret("Password for " + login + ": ", "password");
}

std::string read_one_time_code() {
  return read_secret("ワンタイムコード / one-time code (authenticator app or recovery code): ",
                     "one-time code");
}

}  // namespace musubi::cli
