#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include <boost/asio/ip/address.hpp>

namespace musubi::server {

// How many connections each peer holds, and the cap on them: one host must not take every
// socket the server has. A peer is an IPv4 address or an IPv6 /64 (one machine's whole range:
// counting single IPv6 addresses would cap nothing). Thread-safe.
class ConnectionsPerAddress {
 public:
  using Key = std::array<std::uint8_t, 16>;

  // A connection's place in its peer's count, given back when destroyed. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class ConnectionsPerAddress;
    Slot(ConnectionsPerAddress* owner, const Key& key) : owner_(owner), key_(key) {}
    void release();

    ConnectionsPerAddress* owner_ = nullptr;
    Key key_{};
  };

  // `cap` 0: no cap (only counting).
  explicit ConnectionsPerAddress(std::size_t cap) : cap_(cap) {}

  // A slot for a connection from `peer`, or nullopt (counted as refused) when that peer already
  // holds `cap` connections.
  std::optional<Slot> acquire(const boost::asio::ip::address& peer);

  std::uint64_t refused() const;
  std::size_t peers() const;  // peers holding at least one connection

  // IPv4 (also IPv4-mapped IPv6) as ::ffff:a.b.c.d; IPv6 with its last 64 bits zeroed.
  static Key key_of(const boost::asio::ip::address& peer);

 private:
  void release(const Key& key);

  const std::size_t cap_;
  mutable std::mutex mutex_;
  std::map<Key, std::size_t> held_;
  std::uint64_t refused_ = 0;
};

}  // namespace musubi::server
