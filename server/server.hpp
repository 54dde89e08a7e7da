#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "server/blob_store.hpp"
#include "server/config.hpp"
#include "server/connection_registry.hpp"
#include "server/connections_per_address.hpp"
#include "server/live_sockets.hpp"
#include "server/password_hasher.hpp"
#include "server/request_latency.hpp"
#include "server/room_hub.hpp"
#include "server/send_batch.hpp"
#include "server/services.hpp"
#include "server/signin_throttle.hpp"
#include "storage/store.hpp"

namespace musubi::server {

class Listener;
class RevocationWatcher;
class EmergencyEscalator;

// musubid assembled: data directory, certificate, database, listener, network threads.
class Server {
 public:
  // Prepares the data directory (certificate, database, bootstrap administrator) and binds the
  // listening socket. Throws std::exception with a message for the operator.
  explicit Server(ServerConfig config);
  ~Server();

  // The password of the administrator created on this first start, if any (shown once).
  const std::optional<std::string>& bootstrap_password() const { return bootstrap_password_; }
  unsigned short port() const { return port_; }
  const std::filesystem::path& cert_file() const { return cert_file_; }
  const ServerConfig& config() const { return config_; }

  void start();  // starts the network threads; returns at once
  void stop();   // graceful drain (thread-safe, idempotent); returns at once
  void wait();   // until the drain has finished and every thread has stopped

 private:
  void drain();

  // Declaration order is destruction order reversed: whatever a session may still touch while
  // the io_context and the auth pool destroy their pending handlers is declared before them.
  ServerConfig config_;
  std::filesystem::path cert_file_;
  std::optional<std::string> bootstrap_password_;
  PasswordHasher hasher_;
  std::unique_ptr<storage::Store> store_;
  std::optional<BlobStore> blobs_;
  RoomHub hub_;
  ConnectionRegistry registry_;
  LiveSockets live_;
  ConnectionsPerAddress peers_{config_.limits.max_connections_per_address};
  SigninThrottle signin_throttle_{address_throttle_policy(config_.limits)};
  RequestLatency request_latency_;
  boost::asio::ssl::context tls_;
  std::unique_ptr<Services> services_;
  boost::asio::thread_pool work_pool_;
  boost::asio::io_context ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> delivery_{ioc_.get_executor()};
  // After the io_context: the sessions its pending sends keep alive go before the io_context.
  SendBatch sends_{ioc_.get_executor()};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<Listener> listener_;
  std::shared_ptr<RevocationWatcher> watcher_;
  std::shared_ptr<EmergencyEscalator> escalator_;
  unsigned short port_ = 0;
  std::vector<std::thread> threads_;

  std::mutex mutex_;
  std::condition_variable stopped_cv_;
  bool stop_requested_ = false;
  std::thread drain_thread_;
};

}  // namespace musubi::server
