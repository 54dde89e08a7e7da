#include "server/room_access.hpp"

#include "protocol/timestamp.hpp"
#include "storage/events.hpp"

namespace musubi::server {

std::variant<storage::Membership, OperationResult> writable_room(storage::Database& db,
                                                                 std::string_view room,
                                                                 std::int64_t user_id) {
  auto membership = storage::find_membership(db, room, user_id);
  if (!membership) return OperationResult::failure(protocol::Errc::not_found, kRoomNotFound);
  if (membership->closed) {
    return OperationResult::failure(protocol::Errc::room_closed, kRoomClosed);
  }
  return std::move(*membership);
}

std::optional<nlohmann::json> repeated_post(storage::Database& db, std::int64_t user_id,
                                            const storage::Membership& room,
                                            const std::optional<std::string>& nonce) {
  if (!nonce) return std::nullopt;
  const auto earlier = storage::find_event_by_nonce(db, user_id, room.room_id, *nonce);
  if (!earlier) return std::nullopt;
  return nlohmann::json{{"room", room.public_id},
                        {"seq", earlier->seq},
                        {"ts", protocol::format_timestamp(earlier->ts_ms)},
                        {"duplicate", true}};
}

}  // namespace musubi::server
