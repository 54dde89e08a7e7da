#pragma once

#include <filesystem>
#include <string>

namespace musubi::cli {

// What the CLI remembers between runs for one identity: where the server is, how to trust it,
// who signed in and the session token. Several identities coexist in different MUSUBI_HOMEs.
struct State {
  std::string server;     // wss://HOST:PORT[/PATH]; empty: never signed in
  std::string ca_file;    // absolute path of a certificate to trust, or empty
  bool insecure = false;  // no TLS verification at all
  std::string login;
  std::string token;  // empty: signed out
};

// The state file, $MUSUBI_HOME/state.json (default ~/.config/musubi/state.json). The directory
// is created mode 0700 and the file written mode 0600, atomically (temporary file + rename), since
// the token is as good as the password until it expires.
class StateStore {
 public:
  explicit StateStore(std::filesystem::path home);

  // $MUSUBI_HOME, else $HOME/.config/musubi (the password database's home when HOME is unset).
  // Throws CliError when neither can be found.
  static std::filesystem::path default_home();

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path file() const { return home_ / "state.json"; }

  // The stored state; an empty State when there is no file yet. Throws CliError when the file
  // cannot be read or is not a state file.
  State load() const;
  // Replaces the file. Throws CliError.
  void save(const State& state) const;

 private:
  std::filesystem::path home_;
};

}  // namespace musubi::cli
