#pragma once

#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "storage/announcements.hpp"

namespace musubi::storage {
class Database;
}

namespace musubi::server {

// At most this many unread announcements travel with sign-in and resume, newest first;
// announcement.list {unread_only: true} has them all. (A user who joins years after the network
// started would otherwise receive every notice ever posted in one frame.)
inline constexpr std::size_t kUnreadAnnouncementsAtSignIn = 50;

// How an announcement appears on the wire, in the `announcement` event, at sign-in and in
// announcement.list: {id, title, body, posted, author: {login, name}}.
nlohmann::json announcement_view(const storage::Announcement& announcement);

// The user's unread announcements for the sign-in and resume results, newest first (at most
// kUnreadAnnouncementsAtSignIn). Runs on a storage thread.
nlohmann::json unread_announcements(storage::Database& db, std::int64_t user_id);

}  // namespace musubi::server
