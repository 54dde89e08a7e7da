#include "server/operation_result.hpp"

#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "server/room_hub.hpp"

namespace musubi::server {

void deliver(const OperationResult& result, RoomHub& hub, ConnectionRegistry& registry) {
  if (result.broadcast) hub.publish(result.broadcast);
  if (result.notify_user == 0 || !result.notify_frame) return;
  for (const auto& c : registry.of_user(result.notify_user)) {
    if (result.notify_is_removal) {
      c->post_removed(result.room_id, result.notify_frame);
    } else {
      c->post_frame(result.notify_frame);
    }
  }
}

}  // namespace musubi::server
