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
class BlobStore;
class EmergencyEscalator;
class ConnectionsPerAddress;
class SigninThrottle;
class RequestLatency;
class SendBatch;

// What request handlers share, owned by the Server and outliving every connection.
struct Services {
  const ServerConfig& config;
  storage::Store& store;
  RoomHub& hub;
  ConnectionRegistry& registry;
  const PasswordHasher& hasher;
  // Blocking work runs here, never on a network thread: Argon2id, hashing and writing files.
  boost::asio::thread_pool& work_pool;
  const BlobStore& blobs;  // attached files
  EmergencyEscalator& escalator;
  LockoutPolicy lockout;
  SigninThrottle& signin_throttle;  // failed sign-ins per address
  protocol::BodyLimits body_limits;
  const ConnectionsPerAddress& peers;        // for /metrics
  RequestLatency& request_latency;           // for /metrics
  std::vector<std::string> allowed_origins;  // for browser upgrades
  SendBatch& sends;                          // network threads: a turn's sends in one call
};

}  // namespace musubi::server
