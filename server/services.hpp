#pragma once

#include <string>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "protocol/operations.hpp"
#include "server/config.hpp"
#include "server/lockout_policy.hpp"

namespace musubi::storage {
class Store;
}

namespace musubi::server {

class RoomHub;
class ConnectionRegistry;
class PasswordHasher;

// What request handlers share, owned by the Server and outliving every connection.
struct Services {
  const ServerConfig& config;
  storage::Store& store;
  RoomHub& hub;
  ConnectionRegistry& registry;
  const PasswordHasher& hasher;
  boost::asio::thread_pool& auth_pool;  // Argon2id runs here, never on a network thread
  LockoutPolicy lockout;
  protocol::BodyLimits body_limits;
  std::vector<std::string> allowed_origins;  // for browser upgrades
};

}  // namespace musubi::server
