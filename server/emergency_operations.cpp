// emergency.raise, emergency.status, emergency.close: the emergency call (急変時の緊急連絡).
// The episode itself is in server/emergency_episode.hpp; its timing in emergency_escalator.hpp.
#include "protocol/emergency_operations.hpp"

#include <variant>

#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/emergency_episode.hpp"
#include "server/room_access.hpp"
#include "storage/emergencies.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

void Connection::raise_emergency(const protocol::Request& request) {
  protocol::RaiseEmergency body;
  if (!parse_body(request, body)) return;
  const std::int64_t step_ms =
      std::int64_t{services_.config.timeouts.emergency_escalation_seconds} * 1000;
  services_.store.write(
      [me = *identity_, body = std::move(body), step_ms](storage::Database& db) {
        auto writable = writable_room(db, body.room, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&writable)) return std::move(*refusal);
        return server::raise_emergency(db, Actor{me.user_id, {me.login, me.name}},
                                       std::get<storage::Membership>(writable), body.note, now_ms(),
                                       step_ms);
      },
      finisher(request));
}

void Connection::emergency_status(const protocol::Request& request) {
  protocol::EmergencyRef body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, body = std::move(body)](storage::Database& db) {
        const auto room = storage::find_membership(db, body.room, user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        const auto e = body.emergency
                           ? storage::emergency_by_seq(db, room->room_id, *body.emergency)
                           : storage::latest_emergency(db, room->room_id);
        OperationResult r;
        if (!e) {
          if (body.emergency) {
            return OperationResult::failure(Errc::not_found, "no emergency was raised at this seq");
          }
          r.result = json{{"emergency", nullptr}};
          return r;
        }
        r.result = server::emergency_status(db, *e, room->public_id);
        // The patient's wishes travel with it: a read audited like the current plan.
        r.read_audit = OperationResult::ReadAudit{user_id, "emergency.read", room->room_id,
                                                  "seq=" + std::to_string(e->seq)};
        return r;
      },
      finisher(request));
}

void Connection::close_emergency(const protocol::Request& request) {
  protocol::CloseEmergency body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        // An emergency is closed even if the room closed meanwhile (after a death, say).
        const auto room = storage::find_membership(db, body.room, me.user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        return end_emergency(db, Actor{me.user_id, {me.login, me.name}}, *room, body.emergency,
                             body.outcome, body.note, now_ms());
      },
      finisher(request));
}

}  // namespace musubi::server
