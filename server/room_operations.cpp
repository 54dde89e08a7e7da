// room.list, room.create, room.add_member, room.remove_member, room.members.
#include "protocol/room_event.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/random_secrets.hpp"
#include "server/room_log.hpp"
#include "storage/audit.hpp"
#include "storage/events.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

constexpr std::size_t kRoomIdLength = 12;  // 60 random bits

const char* const kRoomNotFound = "room not found";

json room_notice(const storage::Membership& room, std::string_view role) {
  return json{{"room", room.public_id}, {"title", room.title}, {"role", role}};
}

}  // namespace

void Connection::list_rooms(const protocol::Request& request) {
  services_.store.read(
      [user_id = identity_->user_id](storage::Database& db) {
        OperationResult r;
        json rooms = json::array();
        for (const auto& room : storage::rooms_of_user(db, user_id)) {
          rooms.push_back(json{{"room", room.public_id},
                               {"title", room.title},
                               {"role", storage::to_string(room.role)},
                               {"last_seq", room.last_seq},
                               {"members", room.member_count}});
        }
        r.result = json{{"rooms", std::move(rooms)}};
        return r;
      },
      finisher(request.id));
}

void Connection::create_room(const protocol::Request& request) {
  protocol::CreateRoom body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, title = std::move(body.title),
       public_id = random_base32(kRoomIdLength)](storage::Database& db) {
        const auto now = now_ms();
        const auto room_id = storage::insert_room(db, public_id, title, me.user_id, now);
        OperationResult r;
        r.broadcast =
            append_room_event(db, room_id, public_id, protocol::room_event_type::room_created,
                              {me.login, me.name}, me.user_id, json{{"title", title}}, 0, now);
        storage::append_audit(db, now, me.user_id, "room.create", room_id, "");
        r.result = json{{"room", public_id}, {"title", title}, {"seq", r.broadcast->seq}};
        // The creator's other devices learn of the new room at once.
        r.notify(me.user_id, room_id, protocol::event::room_added,
                 room_notice(storage::Membership{room_id, public_id, title, storage::Role::admin},
                             "admin"));
        return r;
      },
      finisher(request.id));
}

void Connection::add_member(const protocol::Request& request) {
  protocol::MemberChange body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        if (room->role != storage::Role::admin) {
          return OperationResult::failure(Errc::forbidden,
                                          "only the room's administrators may add members");
        }
        const auto user = storage::find_user_by_login(db, body.login);
        if (!user || user->disabled)
          return OperationResult::failure(Errc::not_found, "user not found");
        const auto role = storage::parse_role(body.role).value_or(storage::Role::member);
        if (!storage::insert_member(db, room->room_id, user->id, role, me.user_id, now)) {
          return OperationResult::failure(Errc::conflict, body.login + " is already a member");
        }
        OperationResult r;
        r.broadcast = append_room_event(
            db, room->room_id, room->public_id, protocol::room_event_type::member_added,
            {me.login, me.name}, me.user_id,
            json{{"member", {{"login", user->login}, {"name", user->name}}},
                 {"role", storage::to_string(role)}},
            user->id, now);
        storage::append_audit(
            db, now, me.user_id, "member.add", room->room_id,
            "user=" + user->login + " role=" + std::string(storage::to_string(role)));
        r.result = json{{"room", room->public_id}, {"seq", r.broadcast->seq}};
        r.notify(user->id, room->room_id, protocol::event::room_added,
                 room_notice(*room, storage::to_string(role)));
        return r;
      },
      finisher(request.id));
}

void Connection::remove_member(const protocol::Request& request) {
  protocol::MemberChange body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        const auto user = storage::find_user_by_login(db, body.login);
        const auto role = user ? storage::member_role(db, room->room_id, user->id) : std::nullopt;
        if (!role) {
          return OperationResult::failure(Errc::not_found,
                                          body.login + " is not a member of this room");
        }
        if (user->id != me.user_id && room->role != storage::Role::admin) {
          return OperationResult::failure(Errc::forbidden,
                                          "only the room's administrators may remove members");
        }
        if (*role == storage::Role::admin && storage::count_admins(db, room->room_id) == 1) {
          return OperationResult::failure(
              Errc::conflict,
              "the room's last administrator cannot leave; make another member administrator "
              "first");
        }
        storage::delete_member(db, room->room_id, user->id);
        OperationResult r;
        r.broadcast = append_room_event(
            db, room->room_id, room->public_id, protocol::room_event_type::member_removed,
            {me.login, me.name}, me.user_id,
            json{{"member", {{"login", user->login}, {"name", user->name}}}}, user->id, now);
        storage::append_audit(db, now, me.user_id, "member.remove", room->room_id,
                              "user=" + user->login);
        r.result = json{{"room", room->public_id}, {"seq", r.broadcast->seq}};
        r.notify(user->id, room->room_id, protocol::event::room_removed,
                 json{{"room", room->public_id}, {"seq", r.broadcast->seq}, {"by", me.login}});
        return r;
      },
      finisher(request.id));
}

void Connection::list_members(const protocol::Request& request) {
  protocol::RoomRef body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, room = std::move(body.room)](storage::Database& db) {
        const auto membership = storage::find_membership(db, room, user_id);
        if (!membership) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        json members = json::array();
        for (const auto& m : storage::members_of_room(db, membership->room_id)) {
          members.push_back(
              json{{"login", m.login}, {"name", m.name}, {"role", storage::to_string(m.role)}});
        }
        OperationResult r;
        r.result =
            json{{"room", room}, {"title", membership->title}, {"members", std::move(members)}};
        return r;
      },
      finisher(request.id));
}

}  // namespace musubi::server
