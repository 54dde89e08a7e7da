#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/addressing.hpp"
#include "server/domain/notification_routing.hpp"
#include "server/operation_result.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

// A post's addressing checked against the room: whom it notifies and who must acknowledge.
struct AddressedPost {
  domain::PostFacts facts;
  std::vector<domain::RoomMember> members;

  // Records the addressing in the entry's content, so that history shows it.
  void describe(nlohmann::json& content) const;
  std::vector<domain::Recipient> recipients() const;

  // Writer thread, once the entry is appended at `seq`: notifies the recipients (see
  // send_notifications); returns how many.
  std::size_t notify(storage::Database& db, OperationResult& result, std::int64_t room_id,
                     std::int64_t seq, std::int64_t now_ms) const;
};

// The room's members as the routing rules see them.
std::vector<domain::RoomMember> routing_members(storage::Database& db, std::int64_t room_id);

// Writer thread: the refusal when a mention names no member of the room or no known profession.
std::variant<AddressedPost, OperationResult> address_post(storage::Database& db,
                                                          std::int64_t room_id,
                                                          std::int64_t author_id,
                                                          const protocol::Addressing& addressing,
                                                          bool end_of_life);

}  // namespace musubi::server
