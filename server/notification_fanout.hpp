#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/domain/notification_routing.hpp"
#include "server/operation_result.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

// Notifications about one room entry.
struct NotificationBatch {
  std::int64_t room_id = 0;
  std::int64_t seq = 0;
  std::vector<domain::Recipient> recipients;
  std::optional<std::int64_t> emergency_seq;
  nlohmann::json attached;  // merged into the live frames only (e.g. the emergency plan)
};

// Writer thread, in the transaction that wrote the entry: puts a notification in each
// recipient's inbox (it survives disconnects), records who must acknowledge, and queues the live
// "notification" event for the recipients' connections. Returns how many were notified.
std::size_t send_notifications(storage::Database& db, OperationResult& result,
                               const NotificationBatch& batch, std::int64_t now_ms);

}  // namespace musubi::server
