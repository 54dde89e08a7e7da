#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

// One entry of a user's inbox: a pointer to a room entry and why it is there.
struct NewNotification {
  std::int64_t user_id = 0;
  std::int64_t room_id = 0;
  std::int64_t seq = 0;
  std::string kind;
  bool requires_ack = false;
  std::optional<std::int64_t> emergency_seq;
  std::int64_t created_ms = 0;
};

std::int64_t insert_notification(Database& db, const NewNotification& n);

struct Notification {
  std::int64_t id = 0;
  std::string kind;
  std::int64_t room_id = 0;
  std::string room_public_id;
  std::int64_t seq = 0;
  bool requires_ack = false;
  std::optional<std::int64_t> emergency_seq;
  std::int64_t created_ms = 0;
  bool read = false;
  bool acknowledged = false;
  // What it points to, only while the user is still a member of the room.
  bool member = false;
  std::string room_title;
  std::string entry_type;
  std::string entry_content;  // JSON object text
  std::optional<std::string> entry_template;
  std::string author_login;
  std::string author_name;
};

struct InboxQuery {
  std::int64_t user_id = 0;
  bool unread_only = false;
  std::optional<std::int64_t> before;  // ids below this one
  std::int64_t limit = 50;
};

// Newest first.
std::vector<Notification> list_notifications(Database& db, const InboxQuery& query);
std::optional<Notification> find_notification(Database& db, std::int64_t user_id, std::int64_t id);
std::int64_t count_unread_notifications(Database& db, std::int64_t user_id);

// Marks the listed ones (or, when `ids` is empty, all) of the user's notifications read; returns
// how many changed.
std::int64_t mark_notifications_read(Database& db, std::int64_t user_id,
                                     const std::vector<std::int64_t>& ids, std::int64_t now_ms);
// The user's notifications about one entry: read once it is acknowledged.
std::int64_t mark_entry_notifications_read(Database& db, std::int64_t user_id, std::int64_t room_id,
                                           std::int64_t seq, std::int64_t now_ms);

}  // namespace musubi::storage
