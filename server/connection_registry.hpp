#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace musubi::server {

class Connection;

// The signed-in connections, by user and by session, so that an event for a user (added to or
// removed from a room) reaches all of their devices, and a revocation closes exactly the
// connections it concerns.
class ConnectionRegistry {
 public:
  void add(std::int64_t user_id, std::int64_t session_id,
           const std::shared_ptr<Connection>& connection);
  void remove(const Connection* connection);

  static constexpr std::int64_t kAnySession = std::numeric_limits<std::int64_t>::max();

  // The user's connections whose session id is at most `up_to_session`: a revocation of every
  // session ends those signed in before it, not the ones signed in since.
  std::vector<std::shared_ptr<Connection>> of_user(std::int64_t user_id,
                                                   std::int64_t up_to_session = kAnySession) const;
  std::vector<std::shared_ptr<Connection>> of_session(std::int64_t user_id,
                                                      std::int64_t session_id) const;
  std::size_t size() const;

 private:
  struct Entry {
    const Connection* key;
    std::int64_t user_id;
    std::int64_t session_id;
    std::weak_ptr<Connection> connection;
  };

  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, std::vector<Entry>> by_user_;
  std::unordered_map<const Connection*, std::int64_t> user_of_;
  std::size_t size_ = 0;
};

}  // namespace musubi::server
