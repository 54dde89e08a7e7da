#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "clients/client/client_connection.hpp"
#include "server/admin_commands.hpp"
#include "server/config.hpp"
#include "server/server.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::testing {

inline constexpr const char* kPassword = "correct horse battery staple";
inline constexpr std::chrono::milliseconds kWait{5000};  // deadline for anything expected

// The real server, in this process, on an ephemeral loopback port, with a data directory of its
// own and cheap password hashing (the cost is a setting; the algorithm is the same).
class TestServer {
 public:
  using Tweak = std::function<void(server::ServerConfig&)>;

  explicit TestServer(const Tweak& tweak = {});
  ~TestServer();

  void start();  // on the same data directory (and a new port)
  void stop();   // graceful, as on SIGTERM
  void restart() {
    stop();
    start();
  }

  server::ServerConfig& config() { return config_; }
  const std::filesystem::path& data_dir() const { return config_.data_dir; }
  unsigned short port() const { return server_ ? server_->port() : 0; }
  const std::string& admin_password() const { return admin_password_; }

  client::ConnectOptions connect_options() const;
  std::unique_ptr<client::ClientConnection> connect() const;
  // Connects and signs in; the test fails when that does not work.
  std::unique_ptr<client::ClientConnection> sign_in(const std::string& login,
                                                    const std::string& password = kPassword) const;

  // `musubid user add` on the data directory (works while the server runs). By default a
  // visiting nurse of the test visiting-nursing station.
  void add_user(const std::string& login, const std::string& name = "",
                const std::string& profession = "nurse", const std::string& org = kVisitingNursing,
                const std::string& role = "member", const std::string& password = kPassword) const;

  // `musubid org add`; the test server starts with the organizations below already registered.
  void add_org(const server::OrgSpec& org) const;

  // The test organizations (all in the city, each with its association).
  static constexpr const char* kVisitingNursing = "test-vn";
  static constexpr const char* kClinic = "test-clinic";
  static constexpr const char* kHospital = "test-hospital";
  static constexpr const char* kPharmacy = "test-pharmacy";

  // Opens a room for a new patient named `patient`: `c` (a visiting nurse) registers the patient
  // and their consent and files the request; the test physician declines to take part, and the
  // requester proceeds, which opens the room at once (a visiting nurse is on the team). The room
  // then has `c`'s user as its only member and administrator. Returns the room id.
  std::string open_room(client::ClientConnection& c, const std::string& patient) const;

 private:
  TempDir dir_;
  server::ServerConfig config_;
  std::unique_ptr<server::Server> server_;
  std::string admin_password_;
};

}  // namespace musubi::testing
