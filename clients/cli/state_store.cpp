#include "clients/cli/state_store.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "clients/cli/cli_error.hpp"

namespace musubi::cli {

namespace {

CliError local_error(const std::string& what) {
  return CliError(CliError::Kind::local, what);
}

std::string errno_text() {
  return std::strerror(errno);
}

// Creates `dir` (and missing parents) if needed; the last component gets mode 0700.
void create_private_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  if (dir.has_parent_path()) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) throw local_error("cannot create " + dir.parent_path().string() + ": " + ec.message());
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw local_error("cannot create " + dir.string() + ": " + errno_text());
  }
}

void write_all(int fd, const std::string& data, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw local_error("cannot write " + path.string() + ": " + errno_text());
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

StateStore::StateStore(std::filesystem::path home) : home_(std::move(home)) {}

std::filesystem::path StateStore::default_home() {
  if (const char* home = std::getenv("MUSUBI_HOME"); home && *home) return home;
  const char* user_home = std::getenv("HOME");
  if (!user_home || !*user_home) {
    const passwd* pw = ::getpwuid(::getuid());
    user_home = pw ? pw->pw_dir : nullptr;
  }
  if (!user_home || !*user_home) {
    throw local_error("cannot find a home directory; set MUSUBI_HOME");
  }
  return std::filesystem::path(user_home) / ".config" / "musubi";
}

State StateStore::load() const {
  const auto path = file();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return State{};
    throw local_error("cannot read " + path.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (!json.is_object()) {
    throw local_error(path.string() + " is not a musubi state file; remove it and log in again");
  }
  State state;
  auto read = [&](const char* key, auto& out) {
    const auto it = json.find(key);
    if (it == json.end() || it->is_null()) return;
    try {
      it->get_to(out);
    } catch (const nlohmann::json::exception&) {
      throw local_error(path.string() + ": \"" + key + "\" has the wrong type; remove the file " +
                        "and log in again");
    }
  };
  read("server", state.server);
  read("ca_file", state.ca_file);
  read("insecure", state.insecure);
  read("login", state.login);
  read("token", state.token);
  return state;
}

void StateStore::save(const State& state) const {
  create_private_directory(home_);
  nlohmann::json json = {{"server", state.server},
                         {"ca_file", state.ca_file},
                         {"insecure", state.insecure},
                         {"login", state.login},
                         {"token", state.token}};
  const std::string text = json.dump(2) + "\n";
  const auto path = file();
  const auto temporary = home_ / ("state.json.tmp." + std::to_string(::getpid()));
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw local_error("cannot write " + temporary.string() + ": " + errno_text());
  try {
    // The mode given to open() is narrowed by the umask, never widened; fchmod makes it exact
    // even if a stale temporary file existed with another mode.
    if (::fchmod(fd, 0600) != 0) throw local_error("cannot chmod " + temporary.string());
    write_all(fd, text, temporary);
    if (::fsync(fd) != 0)
      throw local_error("cannot write " + temporary.string() + ": " + errno_text());
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const auto why = errno_text();
    ::unlink(temporary.c_str());
    throw local_error("cannot replace " + path.string() + ": " + why);
  }
}

}  // namespace musubi::cli
