#include "server/operation_result.hpp"

#include "protocol/envelope.hpp"
#include "protocol/room_event.hpp"
#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "server/room_hub.hpp"

namespace musubi::server {

void OperationResult::notify(std::int64_t user, std::int64_t room, std::string_view event,
                             const nlohmann::json& body) {
  notify_user = user;
  room_id = room;
  notify_is_removal = event == protocol::event::room_removed;
  notify_frame = std::make_shared<const std::string>(protocol::encode_event(event, body));
}

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
