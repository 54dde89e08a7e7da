#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/notifications.hpp"

namespace musubi::server {

// What a notification of this kind says, in Japanese and English. It carries no patient
// information, so that a channel outside the authenticated connection (a push or an e-mail) may
// send it as it is; the pointer (room, seq) is for the signed-in client to follow.
nlohmann::json notice_of(std::string_view kind);

// A notification as sent over the authenticated connection: its pointer, the notice, and (while
// the user is still a member of the room) "about": the room and the entry it points to.
nlohmann::json notification_view(const storage::Notification& n);

// What a user missed, for session.sign_in and session.resume: {"notifications": the unread ones,
// newest first (at most 50; inbox.list pages further), "unread_notifications": how many}.
nlohmann::json missed_notifications(storage::Database& db, std::int64_t user_id);

}  // namespace musubi::server
