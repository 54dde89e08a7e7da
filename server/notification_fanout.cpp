#include "server/notification_fanout.hpp"

#include "protocol/notification_operations.hpp"
#include "server/notification_view.hpp"
#include "storage/acknowledgements.hpp"
#include "storage/notifications.hpp"

namespace musubi::server {

std::size_t send_notifications(storage::Database& db, OperationResult& result,
                               const NotificationBatch& batch, std::int64_t now_ms) {
  std::vector<std::int64_t> must_ack;
  for (const auto& recipient : batch.recipients) {
    if (recipient.requires_ack) must_ack.push_back(recipient.user_id);
  }
  storage::require_acknowledgement(db, batch.room_id, batch.seq, must_ack);
  for (const auto& recipient : batch.recipients) {
    storage::NewNotification n;
    n.user_id = recipient.user_id;
    n.room_id = batch.room_id;
    n.seq = batch.seq;
    n.kind = std::string(recipient.kind);
    n.requires_ack = recipient.requires_ack;
    n.emergency_seq = batch.emergency_seq;
    n.created_ms = now_ms;
    const auto id = storage::insert_notification(db, n);
    auto view = notification_view(*storage::find_notification(db, recipient.user_id, id));
    if (batch.attached.is_object()) view.update(batch.attached);
    result.notify(recipient.user_id, protocol::event::notification, view);
  }
  return batch.recipients.size();
}

}  // namespace musubi::server
