#include "server/connections_per_address.hpp"

#include <utility>

namespace musubi::server {

ConnectionsPerAddress::Slot::Slot(Slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), key_(other.key_) {}

ConnectionsPerAddress::Slot& ConnectionsPerAddress::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    key_ = other.key_;
  }
  return *this;
}

ConnectionsPerAddress::Slot::~Slot() {
  release();
}

void ConnectionsPerAddress::Slot::release() {
  if (owner_) std::exchange(owner_, nullptr)->release(key_);
}

ConnectionsPerAddress::Key ConnectionsPerAddress::key_of(const boost::asio::ip::address& peer) {
  if (peer.is_v4()) {
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, peer.to_v4()).to_bytes();
  }
  Key key = peer.to_v6().to_bytes();
  if (peer.to_v6().is_v4_mapped()) return key;
  for (std::size_t i = 8; i < key.size(); ++i)
    key[i] = 0;
  return key;
}

std::optional<ConnectionsPerAddress::Slot> ConnectionsPerAddress::acquire(
    const boost::asio::ip::address& peer) {
  const Key key = key_of(peer);
  std::lock_guard lock(mutex_);
  auto& held = held_[key];
  if (cap_ != 0 && held >= cap_) {
    ++refused_;
    return std::nullopt;
  }
  ++held;
  return Slot(this, key);
}

void ConnectionsPerAddress::release(const Key& key) {
  std::lock_guard lock(mutex_);
  const auto it = held_.find(key);
  if (it != held_.end() && --it->second == 0) held_.erase(it);
}

std::uint64_t ConnectionsPerAddress::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::size_t ConnectionsPerAddress::peers() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

}  // namespace musubi::server
