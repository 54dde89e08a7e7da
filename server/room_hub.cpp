#include "server/room_hub.hpp"

#include <algorithm>

#include <boost/container/small_vector.hpp>

#include "protocol/room_event.hpp"
#include "server/connection.hpp"

namespace musubi::server {

namespace {
// A room's members who are online at once: the patient's team, rarely more than a dozen.
constexpr std::size_t kInlineFollowers = 16;
}  // namespace

void RoomHub::subscribe(std::int64_t room_id, std::int64_t user_id,
                        const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  auto& followers = rooms_[room_id];
  const bool present = std::any_of(followers.begin(), followers.end(),
                                   [&](const Follower& f) { return f.key == connection.get(); });
  if (!present) followers.push_back(Follower{connection.get(), user_id, connection});
}

void RoomHub::unsubscribe(std::int64_t room_id, const Connection* connection) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return;
  std::erase_if(it->second, [&](const Follower& f) { return f.key == connection; });
  if (it->second.empty()) rooms_.erase(it);
}

void RoomHub::publish(const std::shared_ptr<const RoomBroadcast>& broadcast) {
  // A care team fits inline: no allocation per post.
  boost::container::small_vector<std::shared_ptr<Connection>, kInlineFollowers> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(broadcast->room_id);
    if (it == rooms_.end()) return;
    auto& followers = it->second;
    const bool removal = broadcast->type == protocol::room_event_type::member_removed;
    std::erase_if(followers, [&](const Follower& f) {
      return f.connection.expired() || (removal && f.user_id == broadcast->subject_user_id);
    });
    targets.reserve(followers.size());
    for (const auto& f : followers) {
      if (auto c = f.connection.lock()) targets.push_back(std::move(c));
    }
    if (followers.empty()) rooms_.erase(it);
  }
  for (const auto& c : targets)
    c->post_broadcast(broadcast);
}

std::size_t RoomHub::follower_count(std::int64_t room_id) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room_id);
  return it == rooms_.end() ? 0 : it->second.size();
}

}  // namespace musubi::server
