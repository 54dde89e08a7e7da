#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace musubi::storage {
class Store;
}

namespace musubi::server {

class ConnectionRegistry;
class RoomHub;

// Times emergency escalations. The due time of each step is in the database (emergencies.
// escalate_at_ms), so that after a restart start() sets every timer again and escalation goes on
// where it was; a step that fell due while the server was down runs at once. Each step is one
// transaction that moves the tier only from the value it read, so no alert is lost or repeated.
class EmergencyEscalator : public std::enable_shared_from_this<EmergencyEscalator> {
 public:
  EmergencyEscalator(boost::asio::any_io_executor strand, storage::Store& store, RoomHub& hub,
                     ConnectionRegistry& registry, std::chrono::milliseconds step);

  void start();  // reads every pending escalation and times it
  void stop();   // thread-safe; pending steps stay in the database for the next start

  // Times a step of emergency `id` at `at_ms` (wall clock, ms). Thread-safe.
  void schedule(std::int64_t id, std::int64_t at_ms);

 private:
  void arm(std::int64_t id, std::int64_t at_ms);
  void run_step(std::int64_t id);

  boost::asio::any_io_executor strand_;
  storage::Store& store_;
  RoomHub& hub_;
  ConnectionRegistry& registry_;
  std::chrono::milliseconds step_;
  std::map<std::int64_t, std::unique_ptr<boost::asio::steady_timer>> timers_;  // on the strand
  bool stopped_ = false;
};

}  // namespace musubi::server
