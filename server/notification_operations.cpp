// inbox.list, inbox.mark_read, room.acknowledge, room.acknowledgements: each user's notification
// inbox (it survives disconnects) and acknowledgements (要確認). Acknowledging an open
// emergency's raise entry is answering it (server/emergency_episode.hpp).
#include "protocol/notification_operations.hpp"

#include <map>

#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/emergency_episode.hpp"
#include "server/notification_view.hpp"
#include "server/room_access.hpp"
#include "storage/acknowledgements.hpp"
#include "storage/emergencies.hpp"
#include "storage/events.hpp"
#include "storage/notifications.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

void Connection::list_inbox(const protocol::Request& request) {
  protocol::ListInbox body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, body](storage::Database& db) {
        storage::InboxQuery query{user_id, body.unread_only, body.before, body.limit + 1};
        auto found = storage::list_notifications(db, query);
        const bool has_more = static_cast<std::int64_t>(found.size()) > body.limit;
        if (has_more) found.pop_back();
        json list = json::array();
        for (const auto& n : found)
          list.push_back(notification_view(n));
        OperationResult r;
        r.result = json{{"notifications", std::move(list)},
                        {"has_more", has_more},
                        {"unread", storage::count_unread_notifications(db, user_id)}};
        return r;
      },
      finisher(request));
}

void Connection::mark_inbox_read(const protocol::Request& request) {
  protocol::MarkInboxRead body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [user_id = identity_->user_id, body = std::move(body)](storage::Database& db) {
        OperationResult r;
        const auto marked = storage::mark_notifications_read(
            db, user_id, body.all ? std::vector<std::int64_t>{} : body.ids, now_ms());
        r.result =
            json{{"marked", marked}, {"unread", storage::count_unread_notifications(db, user_id)}};
        return r;
      },
      finisher(request));
}

void Connection::acknowledge(const protocol::Request& request) {
  protocol::Acknowledge body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        // Acknowledging is not writing to the room: a closed room's entries can still be
        // acknowledged (a pharmacist confirming the end-of-life note after the room closed).
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        if (!storage::find_event(db, room->room_id, body.seq)) {
          return OperationResult::failure(Errc::not_found, "no entry at this seq");
        }
        const auto now = now_ms();
        const Actor actor{me.user_id, {me.login, me.name}};
        if (const auto e = storage::emergency_by_seq(db, room->room_id, body.seq)) {
          if (!e->open())
            return OperationResult::failure(Errc::conflict, "the emergency is closed");
          return respond_to_emergency(db, actor, *room, *e, body.note, now);
        }
        OperationResult r;
        const bool first_time = storage::acknowledge(db, room->room_id, body.seq, me.user_id,
                                                     body.note.value_or(""), now);
        storage::mark_entry_notifications_read(db, me.user_id, room->room_id, body.seq, now);
        r.result = json{{"room", room->public_id}, {"seq", body.seq}, {"already", !first_time}};
        if (first_time) {
          std::vector<std::int64_t> members;
          for (const auto& m : storage::members_of_room(db, room->room_id))
            members.push_back(m.user_id);
          json event = {{"room", room->public_id},
                        {"seq", body.seq},
                        {"member", {{"login", me.login}, {"name", me.name}}},
                        {"ts", protocol::format_timestamp(now)}};
          if (body.note) event["note"] = *body.note;
          r.notify_all(members, protocol::event::room_acknowledged, event);
        }
        return r;
      },
      finisher(request));
}

void Connection::acknowledgements(const protocol::Request& request) {
  protocol::ListAcknowledgements body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, body = std::move(body)](storage::Database& db) {
        const auto room = storage::find_membership(db, body.room, user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        if (body.seq && !storage::find_event(db, room->room_id, *body.seq)) {
          return OperationResult::failure(Errc::not_found, "no entry at this seq");
        }
        // Grouped by entry, in seq order; each entry with its state per member.
        std::map<std::int64_t, json> entries;
        for (const auto& a : storage::acknowledgement_states(db, room->room_id, body.seq)) {
          auto& entry = entries[a.seq];
          if (entry.is_null()) {
            const auto event = storage::find_event(db, room->room_id, a.seq);
            entry = json{{"seq", a.seq},
                         {"type", event ? event->type : ""},
                         {"ts", event ? protocol::format_timestamp(event->ts_ms) : ""},
                         {"author",
                          {{"login", event ? event->author_login : ""},
                           {"name", event ? event->author_name : ""}}},
                         {"pending", 0},
                         {"members", json::array()}};
            if (event && event->template_id) entry["template"] = *event->template_id;
          }
          json member = {
              {"login", a.login},
              {"name", a.name},
              {"profession", a.profession},
              {"required", a.required},
              {"acknowledged_at",
               a.acked_ms ? json(protocol::format_timestamp(*a.acked_ms)) : json(nullptr)}};
          if (!a.note.empty()) member["note"] = a.note;
          if (a.required && !a.acked_ms) entry["pending"] = entry["pending"].get<int>() + 1;
          entry["members"].push_back(std::move(member));
        }
        json list = json::array();
        for (auto& [seq, entry] : entries)
          list.push_back(std::move(entry));
        if (body.seq && list.empty()) {
          // Nobody was asked to acknowledge it: say so rather than "not found".
          list.push_back(json{{"seq", *body.seq}, {"pending", 0}, {"members", json::array()}});
        }
        OperationResult r;
        r.result = json{{"room", room->public_id}, {"entries", std::move(list)}};
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
