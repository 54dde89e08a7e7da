#include "server/server.hpp"

#include <future>
#include <latch>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "server/data_directory.hpp"
#include "server/emergency_escalator.hpp"
#include "server/listener.hpp"
#include "server/log.hpp"
#include "server/revocation_watcher.hpp"
#include "server/tls_context.hpp"
#include "storage/thread_role.hpp"

namespace musubi::server {

namespace net = boost::asio;

namespace {

constexpr std::ptrdiff_t kWorkThreads = 2;

unsigned network_threads(const ServerConfig& config) {
  return config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
}

// Every thread of `pool` takes the role: each runs one task that waits until all have started, so
// that no thread takes two. The latch is shared: a task may still be inside arrive_and_wait()
// after the caller has seen the count reach zero and returned.
void take_pool_role(net::thread_pool& pool, std::ptrdiff_t threads, const char* name,
                    storage::ThreadPriority priority) {
  auto started = std::make_shared<std::latch>(threads);
  for (std::ptrdiff_t i = 0; i < threads; ++i) {
    net::post(pool, [started, name, priority] {
      storage::take_thread_role(name, priority);
      started->arrive_and_wait();
    });
  }
  started->wait();
}

storage::StoreOptions store_options(const ServerConfig& config,
                                    storage::CompletionRunner write_completions) {
  storage::StoreOptions options;
  options.write_completions = std::move(write_completions);
  options.path = config.database_path();
  options.synchronous = config.storage.synchronous;
  options.readers = config.storage.readers;
  options.max_batch = config.storage.max_batch;
  options.writer_timing.commit_interval =
      std::chrono::microseconds(config.storage.commit_interval_us);
  return options;
}

// The server's own origins: what a browser page served by this server would send.
std::vector<std::string> default_origins(const std::string& host, unsigned short port) {
  const std::string suffix = ":" + std::to_string(port);
  std::vector<std::string> origins;
  // A wildcard address has no name a browser would use: only loopback pages qualify until
  // security.allowed_origins names the real ones.
  const bool loopback = host == "127.0.0.1" || host == "::1" || host == "localhost" ||
                        host == "0.0.0.0" || host == "::";
  if (loopback) {
    origins = {"https://localhost" + suffix, "https://127.0.0.1" + suffix,
               "https://[::1]" + suffix};
  } else if (host.find(':') != std::string::npos) {
    origins = {"https://[" + host + "]" + suffix};
  } else {
    origins = {"https://" + host + suffix};
  }
  if (port == 443) {
    for (const auto& o : std::vector<std::string>(origins)) {
      origins.push_back(o.substr(0, o.size() - suffix.size()));
    }
  }
  return origins;
}

LockoutPolicy lockout_policy(const Limits& limits) {
  return LockoutPolicy{limits.max_failed_signins, limits.lockout_seconds * 1000LL,
                       limits.max_lockout_seconds * 1000LL};
}

protocol::BodyLimits body_limits(const Limits& limits) {
  protocol::BodyLimits b;
  b.max_text_chars = limits.max_text_chars;
  return b;
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(std::move(config)),
      hasher_(config_.security.argon2_ops, config_.security.argon2_memory_kib),
      tls_(net::ssl::context::tls_server),
      work_pool_(kWorkThreads),
      // The number of threads that will run it: with one, Asio queues that thread's own posts
      // (most of them: every flush and every delivery) without taking a lock.
      ioc_(static_cast<int>(network_threads(config_))) {
  // Argon2id for sign-ins and password changes, and hashing uploads: CPU-heavy work whose users
  // can wait a little, so a storm of sign-ins gives way to deliveries and commits on a busy core.
  take_pool_role(work_pool_, kWorkThreads, "musubid-work", storage::ThreadPriority::background);
  const auto address = parse_listen_address(config_.listen);
  prepare_data_directory(config_);
  const auto tls_files = ensure_tls_files(config_);
  cert_file_ = tls_files.cert;
  if (tls_files.generated) {
    MUSUBI_LOG(info) << "generated self-signed certificate " << tls_files.cert.string();
  }
  tls_ = make_server_tls_context(tls_files.cert, tls_files.key);
  bootstrap_password_ = bootstrap_administrator(config_, hasher_);
  // Each group commit's completions (replies, then room events and notices, in commit order) run
  // in one handler on this strand: one hand-over to the network threads per commit rather than
  // one per recipient, and the writer thread goes straight back to the next batch.
  store_ = std::make_unique<storage::Store>(
      store_options(config_, [this](std::function<void()> completions) {
        // Not a copy of the strand: the store outlives the io_context (declaration order), and
        // a strand must not.
        net::post(delivery_, std::move(completions));
      }));
  blobs_.emplace(config_.attachments_path());
  escalator_ = std::make_shared<EmergencyEscalator>(
      net::make_strand(ioc_), *store_, hub_, registry_,
      std::chrono::seconds(config_.timeouts.emergency_escalation_seconds));
  services_ = std::make_unique<Services>(Services{config_,
                                                  *store_,
                                                  hub_,
                                                  registry_,
                                                  hasher_,
                                                  work_pool_,
                                                  *blobs_,
                                                  *escalator_,
                                                  lockout_policy(config_.limits),
                                                  signin_throttle_,
                                                  body_limits(config_.limits),
                                                  peers_,
                                                  request_latency_,
                                                  {},
                                                  sends_});
  const net::ip::tcp::endpoint endpoint(net::ip::make_address(address.host), address.port);
  // With one network thread nothing runs concurrently: connections need no strand of their own,
  // and deliveries from the delivery strand run inline instead of being queued per connection.
  listener_ = std::make_shared<Listener>(ioc_, tls_, endpoint, *services_, live_, peers_,
                                         network_threads(config_) > 1);
  port_ = listener_->local_endpoint().port();
  MUSUBI_LOG(info) << (sends_.mode() == SendBatch::Mode::io_uring
                           ? "sends: batched through io_uring"
                           : "sends: one send() per connection (io_uring is not available)");
  services_->allowed_origins = config_.security.allowed_origins.empty()
                                   ? default_origins(address.host, port_)
                                   : config_.security.allowed_origins;
  watcher_ = std::make_shared<RevocationWatcher>(
      net::make_strand(ioc_), *store_, registry_,
      std::chrono::milliseconds(config_.timeouts.revocation_poll_ms));
}

Server::~Server() {
  stop();
  wait();
}

void Server::start() {
  work_.emplace(ioc_.get_executor());
  listener_->start();
  watcher_->start();
  escalator_->start();
  const unsigned n = network_threads(config_);
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      storage::take_thread_role("musubid-network");
      // A handler that throws is a bug; it must cost one request, not a network thread.
      for (;;) {
        try {
          ioc_.run();
          break;
        } catch (const std::exception& e) {
          MUSUBI_LOG(error) << "network thread: unhandled exception: " << e.what();
        }
      }
      std::lock_guard lock(mutex_);
      stopped_cv_.notify_all();
    });
  }
}

void Server::stop() {
  std::lock_guard lock(mutex_);
  if (stop_requested_) return;
  stop_requested_ = true;
  drain_thread_ = std::thread([this] {
    storage::take_thread_role("musubid-drain");
    drain();
  });
}

void Server::drain() {
  MUSUBI_LOG(info) << "shutting down: no new connections, finishing queued writes";
  listener_->stop();
  watcher_->stop();
  escalator_->stop();
  // Every queued write commits and its ack and events are queued to their connections.
  work_pool_.join();
  store_->stop();
  {
    // The last commits' completions are on the delivery strand: let them queue their replies
    // and events before the connections are told to close.
    std::unique_lock lock(mutex_);
    if (!threads_.empty()) {
      lock.unlock();
      std::promise<void> delivered;
      net::post(delivery_, [&delivered] { delivered.set_value(); });
      delivered.get_future().wait();
    }
  }
  // Each connection sends what it has queued, then a close frame (1001).
  live_.shut_down_all();
  work_.reset();
  std::unique_lock lock(mutex_);
  if (threads_.empty()) return;  // never started
  const bool done =
      stopped_cv_.wait_for(lock, std::chrono::seconds(config_.timeouts.shutdown_seconds),
                           [this] { return ioc_.stopped(); });
  if (!done) {
    MUSUBI_LOG(warn) << "shutdown: " << live_.size() << " connections did not close in time";
    ioc_.stop();
  }
}

void Server::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  if (drain_thread_.joinable()) drain_thread_.join();
}

}  // namespace musubi::server
