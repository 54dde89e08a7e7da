#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "storage/sessions.hpp"

namespace musubi::storage {
class Store;
}

namespace musubi::server {

class ConnectionRegistry;

// Closes the connections a revocation concerns: one session's, or all of a user's.
void apply_revocation(ConnectionRegistry& registry, const storage::Revocation& revocation);

// Follows the revocations table, so that a sign-out, or `musubid user disable` run in another
// process against the same database, closes the affected connections within one poll interval.
class RevocationWatcher : public std::enable_shared_from_this<RevocationWatcher> {
 public:
  RevocationWatcher(const boost::asio::any_io_executor& executor, storage::Store& store,
                    ConnectionRegistry& registry, std::chrono::milliseconds interval);

  void start();  // reads the current end of the table, then polls
  void stop();   // thread-safe

 private:
  void schedule();
  void poll();

  boost::asio::steady_timer timer_;
  storage::Store& store_;
  ConnectionRegistry& registry_;
  std::chrono::milliseconds interval_;
  std::int64_t last_id_ = 0;
  bool stopped_ = false;
};

}  // namespace musubi::server
