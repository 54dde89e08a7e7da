#include "server/live_sockets.hpp"

#include <vector>

namespace musubi::server {

void LiveSockets::add(const Closable* key, std::weak_ptr<Closable> socket) {
  std::lock_guard lock(mutex_);
  sockets_[key] = std::move(socket);
}

void LiveSockets::remove(const Closable* key) {
  std::lock_guard lock(mutex_);
  sockets_.erase(key);
}

void LiveSockets::shut_down_all() {
  std::vector<std::shared_ptr<Closable>> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, weak] : sockets_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (const auto& s : open)
    s->shut_down();
}

std::size_t LiveSockets::size() const {
  std::lock_guard lock(mutex_);
  return sockets_.size();
}

}  // namespace musubi::server
