#include "server/announcement_view.hpp"

#include "protocol/timestamp.hpp"

namespace musubi::server {

nlohmann::json announcement_view(const storage::Announcement& a) {
  return nlohmann::json{{"id", a.id},
                        {"title", a.title},
                        {"body", a.body},
                        {"posted", protocol::format_timestamp(a.posted_ms)},
                        {"author", {{"login", a.author_login}, {"name", a.author_name}}}};
}

nlohmann::json unread_announcements(storage::Database& db, std::int64_t user_id) {
  auto list = nlohmann::json::array();
  storage::AnnouncementQuery query;
  query.user_id = user_id;
  query.unread_only = true;
  query.limit = kUnreadAnnouncementsAtSignIn;
  for (const auto& a : storage::list_announcements(db, query)) {
    list.push_back(announcement_view(a));
  }
  return list;
}

}  // namespace musubi::server
