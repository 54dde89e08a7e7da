#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "server/operation_result.hpp"
#include "storage/rooms.hpp"

namespace musubi::server {

inline constexpr const char* kRoomNotFound = "room not found";
inline constexpr const char* kRoomClosed = "the room is closed: it is kept read-only";

// Writer thread: the caller's membership of a room they may write to, or the refusal to return:
// not_found for a non-member (as for a room that does not exist), room_closed for a closed room.
std::variant<storage::Membership, OperationResult> writable_room(storage::Database& db,
                                                                 std::string_view room,
                                                                 std::int64_t user_id);

// A retry of a post that was committed but whose ack was lost: the earlier entry's reply
// ({room, seq, ts, duplicate: true}) when this author already posted with `nonce` in the room.
std::optional<nlohmann::json> repeated_post(storage::Database& db, std::int64_t user_id,
                                            const storage::Membership& room,
                                            const std::optional<std::string>& nonce);

}  // namespace musubi::server
