#include "server/connection_registry.hpp"

#include <algorithm>

namespace musubi::server {

void ConnectionRegistry::add(std::int64_t user_id, std::int64_t session_id,
                             const std::shared_ptr<Connection>& connection) {
  remove(connection.get());
  std::lock_guard lock(mutex_);
  by_user_[user_id].push_back(Entry{connection.get(), user_id, session_id, connection});
  user_of_[connection.get()] = user_id;
  ++size_;
}

void ConnectionRegistry::remove(const Connection* connection) {
  std::lock_guard lock(mutex_);
  auto it = user_of_.find(connection);
  if (it == user_of_.end()) return;
  auto& entries = by_user_[it->second];
  std::erase_if(entries, [&](const Entry& e) { return e.key == connection; });
  if (entries.empty()) by_user_.erase(it->second);
  user_of_.erase(it);
  --size_;
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::of_user(
    std::int64_t user_id, std::int64_t up_to_session) const {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mutex_);
  auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return out;
  for (const auto& e : it->second) {
    if (e.session_id > up_to_session) continue;
    if (auto c = e.connection.lock()) out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::of_session(
    std::int64_t user_id, std::int64_t session_id) const {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mutex_);
  auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return out;
  for (const auto& e : it->second) {
    if (e.session_id != session_id) continue;
    if (auto c = e.connection.lock()) out.push_back(std::move(c));
  }
  return out;
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

}  // namespace musubi::server
