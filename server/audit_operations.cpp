// audit.list: city administrators review who did what, when and in which room. They see the
// log's entries, never the messages: an entry names a room and a range of seqs, not their text.
#include <string>

#include "protocol/admin_operations.hpp"
#include "protocol/timestamp.hpp"
#include "server/connection.hpp"
#include "storage/audit.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

json entry_view(const storage::AuditEntry& e) {
  return json{{"id", e.id},
              {"time", protocol::format_timestamp(e.ts_ms)},
              {"actor", e.actor_login.empty() ? json(nullptr) : json(e.actor_login)},
              {"action", e.action},
              {"room", e.room.empty() ? json(nullptr) : json(e.room)},
              {"detail", e.detail}};
}

// What was reviewed, for the audit log's own entry.
std::string request_summary(const protocol::ListAudit& body) {
  std::string text;
  const auto add = [&text](std::string_view name, const std::string& value) {
    if (!text.empty()) text += ' ';
    text.append(name).append("=").append(value);
  };
  if (body.from_ms) add("from", protocol::format_timestamp(*body.from_ms));
  if (body.to_ms) add("to", protocol::format_timestamp(*body.to_ms));
  if (body.login) add("login", *body.login);
  if (body.room) add("room", *body.room);
  if (body.action) add("action", *body.action);
  if (body.before) add("before", std::to_string(*body.before));
  return text;
}

}  // namespace

void Connection::list_audit(const protocol::Request& request) {
  protocol::ListAudit body;
  if (!parse_body(request, body)) return;
  if (identity_->role != domain::Role::city_admin) {
    return finish(
        request.id,
        OperationResult::failure(Errc::forbidden, "only city administrators review the audit log"));
  }
  services_.store.read(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        storage::AuditQuery query;
        query.from_ms = body.from_ms.value_or(0);
        query.to_ms = body.to_ms.value_or(INT64_MAX);
        query.action = body.action;
        query.before_id = body.before;
        query.limit = body.limit;
        // An unknown login or room matches nothing (an empty page), like any other filter.
        if (body.login) {
          const auto user = storage::find_user_by_login(db, *body.login);
          query.actor_id = user ? user->id : -1;
        }
        if (body.room) query.room_id = storage::find_room_id(db, *body.room).value_or(-1);
        json entries = json::array();
        const auto page = storage::list_audit(db, query);
        for (const auto& e : page)
          entries.push_back(entry_view(e));
        OperationResult r;
        r.result = json{{"entries", std::move(entries)}};
        if (static_cast<std::int64_t>(page.size()) == query.limit) {
          r.result["next_before"] = page.back().id;
        }
        r.read_audit = OperationResult::ReadAudit{me.user_id, "audit.list", std::nullopt,
                                                  request_summary(body)};
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
