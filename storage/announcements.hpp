#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

// A notice the city posts to every user (「柏市からの重要連絡」), as one reader sees it.
struct Announcement {
  std::int64_t id = 0;
  std::string title;
  std::string body;
  std::int64_t posted_ms = 0;
  std::string author_login;
  std::string author_name;
  bool read = false;            // by the user the list was made for
  std::int64_t read_count = 0;  // active users who have read it (administrators' view)
};

// Stores an announcement; returns its id.
std::int64_t insert_announcement(Database& db, std::string_view title, std::string_view body,
                                 std::int64_t author_id, std::int64_t now_ms);

// Which announcements to list, for whom.
struct AnnouncementQuery {
  std::int64_t user_id = 0;  // whose `read` flags
  bool unread_only = false;
  bool read_counts = false;  // fill Announcement::read_count (costs a count per announcement)
  std::optional<std::size_t> limit;
};

// Announcements newest first, as the query asks.
std::vector<Announcement> list_announcements(Database& db, const AnnouncementQuery& query);

// How many announcements the user has not read.
std::int64_t count_unread_announcements(Database& db, std::int64_t user_id);

// The ids among `ids` that name no announcement (in the order given).
std::vector<std::int64_t> unknown_announcements(Database& db, const std::vector<std::int64_t>& ids);

// Records that the user has read each announcement; ids already read keep their first read time.
// Every id must exist (see unknown_announcements). Returns how many were newly marked.
std::int64_t mark_announcements_read(Database& db, std::int64_t user_id,
                                     const std::vector<std::int64_t>& ids, std::int64_t now_ms);

// Who an announcement reaches: users who are enabled and whose organization is not retired.
std::vector<std::int64_t> active_user_ids(Database& db);
std::int64_t count_active_users(Database& db);

}  // namespace musubi::storage
