#include "server/operation_result.hpp"

#include "protocol/envelope.hpp"
#include "protocol/room_event.hpp"
#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "server/room_hub.hpp"

namespace musubi::server {

void OperationResult::notify(std::int64_t user, std::string_view event, const nlohmann::json& body,
                             std::int64_t room) {
  const bool removal = event == protocol::event::room_removed;
  notices.push_back(Notice{user,
                           std::make_shared<const std::string>(protocol::encode_event(event, body)),
                           removal ? room : 0});
}

void OperationResult::notify_all(const std::vector<std::int64_t>& users, std::string_view event,
                                 const nlohmann::json& body) {
  const auto frame = std::make_shared<const std::string>(protocol::encode_event(event, body));
  for (const auto user : users)
    notices.push_back(Notice{user, frame, 0});
}

void deliver(const OperationResult& result, RoomHub& hub, ConnectionRegistry& registry) {
  for (const auto& broadcast : result.broadcasts)
    hub.publish(broadcast);
  for (const auto& notice : result.notices) {
    for (const auto& c : registry.of_user(notice.user_id)) {
      if (notice.removed_from_room != 0) {
        c->post_removed(notice.removed_from_room, notice.frame);
      } else {
        c->post_frame(notice.frame);
      }
    }
  }
}

}  // namespace musubi::server
