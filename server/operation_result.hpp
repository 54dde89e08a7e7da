#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/error_code.hpp"
#include "server/domain/refusal.hpp"
#include "server/room_broadcast.hpp"

namespace musubi::server {

class ConnectionRegistry;
class RoomHub;

// What a request's storage work decided: an error for the client, or a result plus what must
// reach other people once it is committed.
struct OperationResult {
  std::optional<protocol::Errc> error;
  std::string message;
  nlohmann::json result = nlohmann::json::object();
  // When set, the result as JSON text instead (history pages: built without a json tree).
  std::string result_text;

  // A room event for the room's followers.
  std::vector<std::shared_ptr<const RoomBroadcast>> broadcasts;

  // An event for every connection of one user (room.added, room.removed, request.updated).
  struct Notice {
    std::int64_t user_id = 0;
    Frame frame;
    std::int64_t removed_from_room = 0;  // room.removed: those connections stop following it
  };
  std::vector<Notice> notices;

  // A read to record in the audit log once answered (history, the current plan). It is queued
  // in the next group commit, not awaited: a read costs no fsync. Writes audit in their own
  // transaction instead.
  struct ReadAudit {
    std::int64_t user_id = 0;
    std::string action;
    std::optional<std::int64_t> room_id;
    std::string detail;
  };
  std::optional<ReadAudit> read_audit;

  // An emergency's next escalation step, to time once committed.
  struct EscalationDue {
    std::int64_t emergency_id = 0;
    std::int64_t at_ms = 0;
  };
  std::optional<EscalationDue> escalation;

  // Adds a notice for `user`; room.removed for `room` also makes them stop following it.
  void notify(std::int64_t user, std::string_view event, const nlohmann::json& body,
              std::int64_t room = 0);
  // The same frame for several users (encoded once).
  void notify_all(const std::vector<std::int64_t>& users, std::string_view event,
                  const nlohmann::json& body);

  // A refusal by one of the city's rules, with its documented code.
  static OperationResult refused(const domain::Refusal& refusal) {
    return failure(protocol::errc_from_string(refusal.code).value_or(protocol::Errc::forbidden),
                   refusal.message);
  }

  static OperationResult failure(protocol::Errc code, std::string message) {
    OperationResult r;
    r.error = code;
    r.message = std::move(message);
    return r;
  }
};

// After commit: the broadcasts to the rooms, then the notices to the users concerned.
void deliver(const OperationResult& result, RoomHub& hub, ConnectionRegistry& registry);

}  // namespace musubi::server
