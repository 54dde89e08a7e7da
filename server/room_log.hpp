#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/room_event.hpp"
#include "server/room_broadcast.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

// Writer thread: appends an event to a room's log and prepares its broadcast, encoding the frame
// here, once, for every recipient. `subject_user_id` is the member an addition or removal
// concerns (0 otherwise).
std::shared_ptr<const RoomBroadcast> append_room_event(
    storage::Database& db, std::int64_t room_id, const std::string& public_id,
    std::string_view type, const protocol::Person& author, std::int64_t author_id,
    nlohmann::json content, std::int64_t subject_user_id, std::int64_t now_ms,
    std::optional<std::string> nonce = std::nullopt,
    std::optional<std::string> template_id = std::nullopt,
    std::optional<std::int64_t> refers_to = std::nullopt);

}  // namespace musubi::server
