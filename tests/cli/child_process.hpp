#pragma once

// Child processes for black-box tests: run a program to completion with stdin text and captured
// output, or keep one running (musubid, `musubi tail`) and read its output line by line. Every
// wait has a deadline and is poll()-based (pipes plus a pidfd for the exit); a process still
// running when its owner goes away is killed. Header-only: the test build compiles *_test.cpp.

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

extern char** environ;

namespace musubi::testing {

using Env = std::vector<std::pair<std::string, std::string>>;  // added to (or replacing) ours
using std::chrono::milliseconds;

// How a process ended.
struct ExitStatus {
  bool exited = false;  // normally, with `code`; else killed by `signal`
  int code = -1;
  int signal = 0;

  static ExitStatus from_wait_status(int status) {
    ExitStatus s;
    if (WIFEXITED(status)) {
      s.exited = true;
      s.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      s.signal = WTERMSIG(status);
    }
    return s;
  }
  std::string describe() const {
    return exited ? "exit " + std::to_string(code) : "signal " + std::to_string(signal);
  }
};

// What a finished run left behind.
struct ProcessResult {
  ExitStatus status;
  bool timed_out = false;  // killed at the deadline
  std::string out;
  std::string err;

  int exit_code() const { return status.exited ? status.code : -1; }
  // For failure messages.
  std::string describe() const {
    return (timed_out ? "timed out; " : status.describe() + "; ") + "stdout: " + out +
           "\nstderr: " + err;
  }
};

// A running child with its stdin fed from a string, stdout read from a pipe, and stderr read from
// a pipe or written to a file (for a chatty server whose log nobody reads as it runs: a full pipe
// would block it).
class ChildProcess {
 public:
  struct Options {
    Env env;
    std::string input;                              // written to stdin, which is then closed
    std::optional<std::filesystem::path> log_file;  // stderr goes here (appended) instead of a pipe
  };

  ChildProcess(const std::vector<std::string>& argv, Options options) {
    start(argv, std::move(options));
  }
  ~ChildProcess() {
    kill_and_reap();
    for (int* fd : {&in_, &out_, &err_, &pidfd_})
      close_fd(*fd);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  void send_signal(int sig) {
    if (!status_) ::kill(pid_, sig);
  }

  // The next line of stdout (without its newline), or nullopt at the deadline or end of output.
  std::optional<std::string> read_line(milliseconds timeout) {
    pump([&] { return out_buffer_.find('\n') != std::string::npos || out_ < 0; }, timeout);
    const auto newline = out_buffer_.find('\n');
    if (newline == std::string::npos) return std::nullopt;
    std::string line = out_buffer_.substr(0, newline);
    out_buffer_.erase(0, newline + 1);
    return line;
  }

  // Reads stderr until it contains `text` `count` times; false at the deadline or end of output.
  bool wait_for_stderr(std::string_view text, milliseconds timeout, std::size_t count = 1) {
    return pump([&] { return occurrences(err_all_, text) >= count; }, timeout);
  }

  // Waits for the exit and the end of its output; nullopt at the deadline.
  std::optional<ExitStatus> wait_exit(milliseconds timeout) {
    pump([&] { return status_ && out_ < 0 && err_ < 0; }, timeout);
    if (!status_ || out_ >= 0 || err_ >= 0) return std::nullopt;
    return status_;
  }

  // SIGKILL and reap (bounded), unless it has already ended.
  void kill_and_reap() {
    if (pid_ <= 0 || status_) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    // SIGKILL cannot be caught; the blocking wait ends as soon as the kernel has torn it down.
    if (::waitpid(pid_, &status, 0) == pid_) status_ = ExitStatus::from_wait_status(status);
  }

  const std::optional<ExitStatus>& status() const { return status_; }
  const std::string& stdout_text() const { return out_all_; }  // everything read so far
  const std::string& stderr_text() const { return err_all_; }

  static std::size_t occurrences(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string_view::npos;
         at = haystack.find(needle, at + needle.size())) {
      ++n;
    }
    return n;
  }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  static void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
  }

  void start(const std::vector<std::string>& argv, Options options) {
    // Everything the child needs is built before fork(): after it, the child only calls
    // async-signal-safe functions.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
      const std::string_view entry(*e);
      const auto name = entry.substr(0, entry.find('='));
      bool replaced = false;
      for (const auto& [key, value] : options.env)
        replaced = replaced || key == name;
      if (!replaced) env_strings.emplace_back(entry);
    }
    for (const auto& [key, value] : options.env)
      env_strings.push_back(key + "=" + value);
    std::vector<char*> envp, args;
    for (auto& s : env_strings)
      envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = argv;
    for (auto& s : argv_copy)
      args.push_back(s.data());
    args.push_back(nullptr);

    // A child that exits before reading all its input must not kill the test with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    int in[2], out[2], err[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) fail("pipe2");
    if (options.log_file) {
      err[1] = ::open(options.log_file->c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (err[1] < 0) fail("open " + options.log_file->string());
    } else if (::pipe2(err, O_CLOEXEC) != 0) {
      fail("pipe2");
    }
    sigset_t none;
    sigemptyset(&none);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) fail("fork");
    if (pid_ == 0) {
      // dup2 clears close-on-exec on the copies; everything else closes at exec.
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      // Should the test process die without running destructors (an abort), take the child
      // with it rather than leave a server running.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::signal(SIGPIPE, SIG_DFL);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = options.log_file ? -1 : err[0];
    for (int fd : {in_, out_, err_}) {
      if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    // Through syscall(): Debian 12's <sys/pidfd.h> lacks extern "C". -1 on kernels without it
    // (see pump()).
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    input_ = std::move(options.input);
    if (input_.empty()) close_fd(in_);
  }

  // Moves data (stdin out, stdout and stderr in) and notices the exit until `done()` or the
  // deadline. Returns done().
  bool pump(const std::function<bool()>& done, milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      reap();
      if (done()) return true;
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      std::vector<pollfd> fds;
      if (in_ >= 0) fds.push_back({in_, POLLOUT, 0});
      if (out_ >= 0) fds.push_back({out_, POLLIN, 0});
      if (err_ >= 0) fds.push_back({err_, POLLIN, 0});
      if (!status_ && pidfd_ >= 0) fds.push_back({pidfd_, POLLIN, 0});
      // Without a pidfd the exit is only seen by reap(): look again every 20 ms.
      const bool blind = !status_ && pidfd_ < 0;
      const auto wait = blind ? std::min<long>(left.count(), 20) : left.count();
      if (fds.empty() && !blind) return done();
      const int n = ::poll(fds.data(), fds.size(), static_cast<int>(wait));
      if (n < 0 && errno != EINTR) fail("poll");
      for (const auto& p : fds) {
        if (p.revents == 0) continue;
        if (p.fd == in_) write_input();
        if (p.fd == out_) read_into(out_, out_buffer_, out_all_);
        if (p.fd == err_) read_into(err_, err_all_, err_all_);
      }
    }
  }

  void write_input() {
    const auto n = ::write(in_, input_.data(), input_.size());
    if (n > 0) input_.erase(0, static_cast<std::size_t>(n));
    if ((n < 0 && errno != EAGAIN && errno != EINTR) || input_.empty()) close_fd(in_);
  }

  void read_into(int& fd, std::string& buffer, std::string& all) {
    char chunk[4096];
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buffer.append(chunk, static_cast<std::size_t>(n));
      if (&all != &buffer) all.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      close_fd(fd);
    }
  }

  void reap() {
    if (status_) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = ExitStatus::from_wait_status(status);
  }

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1, pidfd_ = -1;
  std::string input_;
  std::string out_buffer_;  // not yet consumed by read_line()
  std::string out_all_;
  std::string err_all_;
  std::optional<ExitStatus> status_;
};

// Runs a program to completion: stdin text in, stdout and stderr captured; killed at the deadline.
inline ProcessResult run_process(const std::vector<std::string>& argv, const Env& env = {},
                                 const std::string& input = {},
                                 milliseconds deadline = milliseconds(30000)) {
  ChildProcess child(argv, {env, input, std::nullopt});
  ProcessResult result;
  if (const auto status = child.wait_exit(deadline)) {
    result.status = *status;
  } else {
    result.timed_out = true;
    child.kill_and_reap();
    if (child.status()) result.status = *child.status();
  }
  result.out = child.stdout_text();
  result.err = child.stderr_text();
  return result;
}

}  // namespace musubi::testing
