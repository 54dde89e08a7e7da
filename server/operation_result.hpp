#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/error_code.hpp"
#include "server/room_broadcast.hpp"

namespace musubi::server {

class ConnectionRegistry;
class RoomHub;

// What a request's storage work decided: an error for the client, or a result plus what must
// reach other people once it is committed.
struct OperationResult {
  std::optional<protocol::Errc> error;
  std::string message;
  nlohmann::json result = nlohmann::json::object();

  std::shared_ptr<const RoomBroadcast> broadcast;  // to the room's followers
  std::int64_t notify_user = 0;                    // to every connection of this user:
  Frame notify_frame;                              //   room.added or room.removed
  bool notify_is_removal = false;
  std::int64_t room_id = 0;

  // Tells every connection of `user` about `room`: room.added, or room.removed (which also makes
  // those connections stop following it).
  void notify(std::int64_t user, std::int64_t room, std::string_view event,
              const nlohmann::json& body);

  static OperationResult failure(protocol::Errc code, std::string message) {
    OperationResult r;
    r.error = code;
    r.message = std::move(message);
    return r;
  }
};

// After commit: the broadcast to the room, then the notice to the user concerned.
void deliver(const OperationResult& result, RoomHub& hub, ConnectionRegistry& registry);

}  // namespace musubi::server
