// room.mark_read, room.read_state, room.share_read_state: read receipts (既読). Each member's
// last read seq is kept per room; their own devices always learn it at once (room.read), the
// other members too unless a room administrator turned sharing off.
#include "protocol/receipt_operations.hpp"

#include <variant>

#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/room_access.hpp"
#include "storage/audit.hpp"
#include "storage/events.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

void Connection::mark_read(const protocol::Request& request) {
  protocol::MarkRead body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        // Members keep reading a closed room, so reading is not refused there.
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        const auto last = storage::last_seq(db, room->room_id);
        if (body.seq > last) {
          return OperationResult::failure(
              Errc::invalid_request, "body.seq: the room's last seq is " + std::to_string(last));
        }
        const bool moved = storage::mark_read(db, room->room_id, me.user_id, body.seq);
        const auto states = storage::read_states(db, room->room_id);
        std::int64_t mine = body.seq;
        std::vector<std::int64_t> others;
        for (const auto& s : states) {
          if (s.user_id == me.user_id) {
            mine = s.last_read_seq;
          } else {
            others.push_back(s.user_id);
          }
        }
        OperationResult r;
        r.result = json{{"room", room->public_id}, {"last_read_seq", mine}};
        if (moved) {
          // The same frame to the reader's devices (their unread counts) and, when the room
          // shares read state, to the other members ("did the pharmacist see it?").
          std::vector<std::int64_t> recipients = {me.user_id};
          if (storage::read_state_shared(db, room->room_id)) {
            recipients.insert(recipients.end(), others.begin(), others.end());
          }
          r.notify_all(recipients, protocol::event::room_read,
                       json{{"room", room->public_id},
                            {"member", {{"login", me.login}, {"name", me.name}}},
                            {"last_read_seq", mine}});
        }
        return r;
      },
      finisher(request));
}

void Connection::read_state(const protocol::Request& request) {
  protocol::RoomRef body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, room = std::move(body.room)](storage::Database& db) {
        const auto membership = storage::find_membership(db, room, user_id);
        if (!membership) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        const bool shared = storage::read_state_shared(db, membership->room_id);
        json members = json::array();
        for (const auto& s : storage::read_states(db, membership->room_id)) {
          if (!shared && s.user_id != user_id) continue;
          members.push_back(
              json{{"login", s.login}, {"name", s.name}, {"last_read_seq", s.last_read_seq}});
        }
        OperationResult r;
        r.result = json{{"room", room},
                        {"shared", shared},
                        {"last_seq", storage::last_seq(db, membership->room_id)},
                        {"members", std::move(members)}};
        return r;
      },
      finisher(request));
}

void Connection::share_read_state(const protocol::Request& request) {
  protocol::ShareReadState body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        auto writable = writable_room(db, body.room, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&writable)) return std::move(*refusal);
        const auto& room = std::get<storage::Membership>(writable);
        if (room.role != storage::Role::admin) {
          return OperationResult::failure(Errc::forbidden,
                                          "only the room's administrators change this setting");
        }
        storage::set_read_state_shared(db, room.room_id, body.shared);
        storage::append_audit(db, now_ms(), me.user_id, "room.share_read_state", room.room_id,
                              body.shared ? "shared=true" : "shared=false");
        OperationResult r;
        r.result = json{{"room", room.public_id}, {"shared", body.shared}};
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
