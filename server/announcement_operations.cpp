// announcement.post, announcement.list, announcement.mark_read: the city's notices to every user
// (「柏市からの重要連絡」). The client shows that label; the body is the administrator's own text.
#include "protocol/announcement_operations.hpp"

#include "protocol/room_event.hpp"
#include "server/announcement_view.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "storage/announcements.hpp"
#include "storage/audit.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

void Connection::post_announcement(const protocol::Request& request) {
  if (identity_->role != domain::Role::city_admin) {
    reply_error(request.id, Errc::forbidden, "only city administrators post announcements");
    return;
  }
  protocol::PostAnnouncement body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        storage::Announcement a;
        a.id = storage::insert_announcement(db, body.title, body.body, me.user_id, now);
        a.title = body.title;
        a.body = body.body;
        a.posted_ms = now;
        a.author_login = me.login;
        a.author_name = me.name;
        storage::append_audit(db, now, me.user_id, "announcement.post", std::nullopt,
                              "announcement=" + std::to_string(a.id));
        const auto view = announcement_view(a);
        // Every active user's connections, the author's included. One notice per user (the
        // frame itself is encoded once): fine for a city of ~2,000 users; a national service
        // would walk the connection registry once instead.
        const auto recipients = storage::active_user_ids(db);
        OperationResult r;
        r.result = view;
        r.result["recipient_count"] = recipients.size();
        r.notify_all(recipients, protocol::event::announcement, view);
        return r;
      },
      finisher(request));
}

void Connection::list_announcements(const protocol::Request& request) {
  protocol::ListAnnouncements body;
  if (!parse_body(request, body)) return;
  const bool admin = identity_->role == domain::Role::city_admin;
  services_.store.read(
      [user_id = identity_->user_id, unread_only = body.unread_only, admin](storage::Database& db) {
        const auto recipients = admin ? storage::count_active_users(db) : 0;
        storage::AnnouncementQuery query;
        query.user_id = user_id;
        query.unread_only = unread_only;
        query.read_counts = admin;
        json list = json::array();
        for (const auto& a : storage::list_announcements(db, query)) {
          auto item = announcement_view(a);
          item["read"] = a.read;
          if (admin) {
            item["read_count"] = a.read_count;
            item["recipient_count"] = recipients;
          }
          list.push_back(std::move(item));
        }
        OperationResult r;
        r.result = json{{"announcements", std::move(list)}};
        return r;
      },
      finisher(request));
}

void Connection::mark_announcements_read(const protocol::Request& request) {
  protocol::MarkAnnouncementsRead body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [user_id = identity_->user_id, ids = std::move(body.ids)](storage::Database& db) {
        // Check every id before writing anything: the job shares its commit with others, so a
        // refusal must leave nothing behind.
        const auto unknown = storage::unknown_announcements(db, ids);
        if (!unknown.empty()) {
          return OperationResult::failure(
              Errc::not_found, "announcement " + std::to_string(unknown.front()) + " not found");
        }
        OperationResult r;
        const auto marked = storage::mark_announcements_read(db, user_id, ids, now_ms());
        r.result =
            json{{"marked", marked}, {"unread", storage::count_unread_announcements(db, user_id)}};
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
