#include "storage/announcements.hpp"

#include <algorithm>

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

// A user an announcement reaches and who counts as a reader (the same test as sign-in's).
constexpr const char* kActiveUser =
    "u.disabled = 0 AND (SELECT o.retired_on IS NULL FROM organizations o WHERE o.id = u.org_id)";

}  // namespace

std::int64_t insert_announcement(Database& db, std::string_view title, std::string_view body,
                                 std::int64_t author_id, std::int64_t now_ms) {
  db.prepare("INSERT INTO announcements (title, body, author_id, posted_ms) VALUES (?, ?, ?, ?)")
      .bind(1, title)
      .bind(2, body)
      .bind(3, author_id)
      .bind(4, now_ms)
      .run();
  return db.last_insert_rowid();
}

std::vector<Announcement> list_announcements(Database& db, const AnnouncementQuery& query) {
  // CASE evaluates the read count only when asked for: members never pay for it.
  auto& st = db.prepare(
      std::string("SELECT a.id, a.title, a.body, a.posted_ms, au.login, au.name, "
                  "  EXISTS (SELECT 1 FROM announcement_reads r "
                  "          WHERE r.announcement_id = a.id AND r.user_id = ?1) AS is_read, "
                  "  CASE WHEN ?3 THEN (SELECT COUNT(*) FROM announcement_reads r "
                  "                     JOIN users u ON u.id = r.user_id "
                  "                     WHERE r.announcement_id = a.id AND ") +
      kActiveUser +
      ") ELSE 0 END "
      "FROM announcements a JOIN users au ON au.id = a.author_id "
      "WHERE ?2 = 0 OR NOT EXISTS (SELECT 1 FROM announcement_reads r "
      "                          WHERE r.announcement_id = a.id AND r.user_id = ?1) "
      "ORDER BY a.posted_ms DESC, a.id DESC LIMIT ?4");
  st.bind(1, query.user_id)
      .bind(2, query.unread_only ? 1 : 0)
      .bind(3, query.read_counts ? 1 : 0)
      .bind(4, query.limit ? static_cast<std::int64_t>(*query.limit) : std::int64_t{-1});
  std::vector<Announcement> out;
  while (st.step()) {
    Announcement a;
    a.id = st.int64(0);
    a.title = st.text(1);
    a.body = st.text(2);
    a.posted_ms = st.int64(3);
    a.author_login = st.text(4);
    a.author_name = st.text(5);
    a.read = st.int64(6) != 0;
    a.read_count = st.int64(7);
    out.push_back(std::move(a));
  }
  return out;
}

std::int64_t count_unread_announcements(Database& db, std::int64_t user_id) {
  auto& st = db.prepare(
      "SELECT COUNT(*) FROM announcements a WHERE NOT EXISTS (SELECT 1 FROM announcement_reads r "
      "WHERE r.announcement_id = a.id AND r.user_id = ?)");
  st.bind(1, user_id).step();
  const auto n = st.int64(0);
  st.reset();
  return n;
}

std::vector<std::int64_t> unknown_announcements(Database& db,
                                                const std::vector<std::int64_t>& ids) {
  auto& st = db.prepare("SELECT 1 FROM announcements WHERE id = ?");
  std::vector<std::int64_t> unknown;
  for (const auto id : ids) {
    st.bind(1, id);
    if (!st.step()) unknown.push_back(id);
    st.reset();
  }
  return unknown;
}

std::int64_t mark_announcements_read(Database& db, std::int64_t user_id,
                                     const std::vector<std::int64_t>& ids, std::int64_t now_ms) {
  auto& st = db.prepare(
      "INSERT INTO announcement_reads (announcement_id, user_id, read_ms) VALUES (?, ?, ?) "
      "ON CONFLICT DO NOTHING");
  std::int64_t marked = 0;
  for (const auto id : ids) {
    st.bind(1, id).bind(2, user_id).bind(3, now_ms).run();
    marked += db.changes();
    st.reset();
  }
  return marked;
}

std::vector<std::int64_t> active_user_ids(Database& db) {
  auto& st =
      db.prepare(std::string("SELECT u.id FROM users u WHERE ") + kActiveUser + " ORDER BY u.id");
  std::vector<std::int64_t> ids;
  while (st.step())
    ids.push_back(st.int64(0));
  return ids;
}

std::int64_t count_active_users(Database& db) {
  auto& st = db.prepare(std::string("SELECT COUNT(*) FROM users u WHERE ") + kActiveUser);
  st.step();
  const auto n = st.int64(0);
  st.reset();
  return n;
}

}  // namespace musubi::storage
