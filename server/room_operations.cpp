// room.list, room.info, room.close, room.add_member, room.remove_member, room.members.
// (Rooms are opened by the room-opening workflow: request_operations.cpp.)
#include "protocol/care_operations.hpp"
#include "protocol/room_event.hpp"
#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/patient_view.hpp"
#include "server/person_facts.hpp"
#include "server/room_access.hpp"
#include "server/room_log.hpp"
#include "storage/audit.hpp"
#include "storage/events.hpp"
#include "storage/patients.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

json room_notice(const storage::Membership& room, std::string_view role) {
  return json{{"room", room.public_id}, {"title", room.title}, {"role", role}};
}

json person(const storage::User& user) {
  return json{{"login", user.login},
              {"name", user.name},
              {"profession", user.profession},
              {"org", {{"code", user.org_code}, {"name", user.org_name}}}};
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
                               {"members", room.member_count},
                               {"closed", room.closed},
                               {"last_read_seq", room.last_read_seq},
                               {"unread", room.unread}});
        }
        r.result = json{{"rooms", std::move(rooms)}};
        return r;
      },
      finisher(request));
}

void Connection::room_info(const protocol::Request& request) {
  protocol::RoomRef body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, room = std::move(body.room)](storage::Database& db) {
        const auto membership = storage::find_membership(db, room, user_id);
        if (!membership) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        const auto details = storage::room_details(db, membership->room_id);
        const auto patient = storage::find_patient_by_id(db, details->patient_id);
        OperationResult r;
        r.result =
            json{{"room", room},
                 {"title", membership->title},
                 {"patient", patient_view(*patient, storage::latest_consent(db, patient->id))},
                 {"physician_participates", details->physician_participates},
                 {"stand_in", nullptr},
                 {"closed", nullptr}};
        if (details->stand_in_id) {
          if (const auto s = storage::find_user_by_id(db, *details->stand_in_id)) {
            r.result["stand_in"] = person(*s);
            r.result["stand_in"]["kind"] = details->stand_in_kind;
          }
        }
        if (details->closed_ms) {
          r.result["closed"] = {{"at", protocol::format_timestamp(*details->closed_ms)},
                                {"reason", details->close_reason},
                                {"note", details->close_note}};
        }
        return r;
      },
      finisher(request));
}

void Connection::close_room(const protocol::Request& request) {
  protocol::CloseRoom body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        if (room->role != storage::Role::admin) {
          return OperationResult::failure(Errc::forbidden,
                                          "only the room's administrators may close it");
        }
        const auto now = now_ms();
        if (!storage::close_room(db, room->room_id, body.reason, body.note, now)) {
          return OperationResult::failure(Errc::room_closed, "the room is already closed");
        }
        OperationResult r;
        r.broadcasts.push_back(append_room_event(
            db, room->room_id, room->public_id, protocol::room_event_type::room_closed,
            {me.login, me.name}, me.user_id, json{{"reason", body.reason}, {"note", body.note}}, 0,
            now));
        storage::append_audit(db, now, me.user_id, "room.close", room->room_id,
                              "reason=" + body.reason);
        r.result = json{{"room", room->public_id}, {"seq", r.broadcasts.back()->seq}};
        return r;
      },
      finisher(request));
}

void Connection::add_member(const protocol::Request& request) {
  protocol::MemberChange body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        if (room->closed) return OperationResult::failure(Errc::room_closed, kRoomClosed);
        if (room->role != storage::Role::admin) {
          return OperationResult::failure(Errc::forbidden,
                                          "only the room's administrators may add members");
        }
        const auto user = storage::find_user_by_login(db, body.login);
        if (!user) return OperationResult::failure(Errc::not_found, "user not found");
        if (auto refusal = domain::check_participant(person_facts(*user))) {
          return OperationResult::refused(*refusal);
        }
        const auto role = storage::parse_role(body.role).value_or(storage::Role::member);
        if (!storage::insert_member(db, room->room_id, user->id, role, me.user_id, now)) {
          return OperationResult::failure(Errc::conflict, body.login + " is already a member");
        }
        OperationResult r;
        r.broadcasts.push_back(append_room_event(
            db, room->room_id, room->public_id, protocol::room_event_type::member_added,
            {me.login, me.name}, me.user_id,
            json{{"member", {{"login", user->login}, {"name", user->name}}},
                 {"role", storage::to_string(role)}},
            user->id, now));
        storage::append_audit(
            db, now, me.user_id, "member.add", room->room_id,
            "user=" + user->login + " role=" + std::string(storage::to_string(role)));
        r.result = json{{"room", room->public_id}, {"seq", r.broadcasts.back()->seq}};
        r.notify(user->id, protocol::event::room_added,
                 room_notice(*room, storage::to_string(role)));
        return r;
      },
      finisher(request));
}

void Connection::remove_member(const protocol::Request& request) {
  protocol::MemberChange body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto now = now_ms();
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        if (room->closed) return OperationResult::failure(Errc::room_closed, kRoomClosed);
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
        r.broadcasts.push_back(append_room_event(
            db, room->room_id, room->public_id, protocol::room_event_type::member_removed,
            {me.login, me.name}, me.user_id,
            json{{"member", {{"login", user->login}, {"name", user->name}}}}, user->id, now));
        storage::append_audit(db, now, me.user_id, "member.remove", room->room_id,
                              "user=" + user->login);
        const auto seq = r.broadcasts.back()->seq;
        r.result = json{{"room", room->public_id}, {"seq", seq}};
        r.notify(user->id, protocol::event::room_removed,
                 json{{"room", room->public_id}, {"seq", seq}, {"by", me.login}}, room->room_id);
        return r;
      },
      finisher(request));
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
          members.push_back(json{{"login", m.login},
                                 {"name", m.name},
                                 {"role", storage::to_string(m.role)},
                                 {"profession", m.profession},
                                 {"org", {{"code", m.org_code}, {"name", m.org_name}}}});
        }
        OperationResult r;
        r.result =
            json{{"room", room}, {"title", membership->title}, {"members", std::move(members)}};
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
