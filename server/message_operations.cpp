// room.post and room.history.
#include <variant>

#include "protocol/envelope.hpp"
#include "protocol/json_text.hpp"
#include "protocol/room_event.hpp"
#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/post_addressing.hpp"
#include "server/room_access.hpp"
#include "server/room_log.hpp"
#include "server/stored_event_mapping.hpp"
#include "storage/attachments.hpp"
#include "storage/audit.hpp"
#include "storage/events.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

// The uploads a message may carry: the poster's own, to this room, not yet part of a message.
std::variant<std::vector<storage::Attachment>, OperationResult> own_uploads(
    storage::Database& db, const std::vector<std::string>& ids, std::int64_t room_id,
    std::int64_t user_id) {
  std::vector<storage::Attachment> files;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto a = storage::find_attachment(db, ids[i]);
    const auto where = "body.attachments[" + std::to_string(i) + "]";
    if (!a || a->room_id != room_id || a->uploader_id != user_id) {
      return OperationResult::failure(Errc::invalid_request,
                                      where + ": no upload of yours to this room has this id");
    }
    if (a->event_seq) {
      return OperationResult::failure(
          Errc::conflict, where + ": already part of message #" + std::to_string(*a->event_seq));
    }
    for (const auto& earlier : files) {
      if (earlier.id == a->id) {
        return OperationResult::failure(Errc::invalid_request, where + ": listed twice");
      }
    }
    files.push_back(std::move(*a));
  }
  return files;
}

}  // namespace

void Connection::post(const protocol::Request& request) {
  protocol::PostMessage body;
  if (!parse_body(request, body)) return;
  post_message(request.id, std::move(body));
}

void Connection::post_message(nlohmann::json id, protocol::PostMessage body) {
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) mutable {
        auto writable = writable_room(db, body.room, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&writable)) return std::move(*refusal);
        const auto* room = &std::get<storage::Membership>(writable);
        OperationResult r;
        if (auto repeated = repeated_post(db, me.user_id, *room, body.nonce)) {
          r.result = std::move(*repeated);
          return r;
        }
        auto uploads = own_uploads(db, body.attachments, room->room_id, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&uploads)) return std::move(*refusal);
        const auto& files = std::get<std::vector<storage::Attachment>>(uploads);
        auto addressed = address_post(db, room->room_id, me.user_id, body.addressing, false);
        if (auto* refusal = std::get_if<OperationResult>(&addressed)) return std::move(*refusal);
        const auto& addressing = std::get<AddressedPost>(addressed);
        json content = json::object();
        content["text"] = std::move(body.text);
        if (!files.empty()) {
          content["attachments"] = json::array();
          for (const auto& a : files)
            content["attachments"].push_back(json{{"id", a.public_id},
                                                  {"name", a.name},
                                                  {"media_type", a.media_type},
                                                  {"size", a.size},
                                                  {"sha256", a.sha256}});
        }
        addressing.describe(content);
        const auto now = now_ms();
        r.broadcasts.push_back(append_room_event(
            db, room->room_id, room->public_id, protocol::room_event_type::message,
            {me.login, me.name}, me.user_id, std::move(content), 0, now, std::move(body.nonce)));
        const auto seq = r.broadcasts.back()->seq;
        for (const auto& a : files)
          storage::attach_to_event(db, a.id, seq);
        const auto notified = addressing.notify(db, r, room->room_id, seq, now);
        // Written as text (keys in the order a json object dumps them): every post is acked.
        auto& reply = r.result_text;
        reply.reserve(128);
        reply += R"({"notified":)";
        reply += std::to_string(notified);
        reply += R"(,"room":)";
        protocol::append_json_string(reply, room->public_id);
        reply += R"(,"seq":)";
        reply += std::to_string(seq);
        reply += R"(,"ts":")";
        protocol::append_timestamp(reply, now);
        reply += R"("})";
        return r;
      },
      finisher(std::move(id), protocol::op::post));
}

void Connection::history(const protocol::Request& request) {
  protocol::FetchHistory body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, body = std::move(body)](storage::Database& db) {
        const auto room = storage::find_membership(db, body.room, user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        storage::EventRange range;
        range.from = body.from.value_or(1);
        range.to = body.to.value_or(INT64_MAX);
        range.newest_first = body.order == protocol::Order::newest_first;
        range.limit = body.limit + 1;  // one more, to know whether there is more
        auto events = storage::events_in_range(db, room->room_id, range);
        const bool has_more = static_cast<std::int64_t>(events.size()) > body.limit;
        if (has_more) events.pop_back();
        // The page is written as text: stored entries are spliced in, never parsed and dumped.
        OperationResult r;
        r.result_text = R"({"events":[)";
        for (std::size_t i = 0; i < events.size(); ++i) {
          if (i > 0) r.result_text += ',';
          r.result_text += room_event_body_text(events[i], room->public_id);
        }
        r.result_text += R"(],"has_more":)";
        r.result_text += has_more ? "true" : "false";
        r.result_text += R"(,"last_seq":)" + std::to_string(storage::last_seq(db, room->room_id));
        r.result_text += R"(,"room":)";
        protocol::append_json_string(r.result_text, room->public_id);
        r.result_text += '}';
        // Every read of a room's history is audited: who, which room, which range.
        r.read_audit = OperationResult::ReadAudit{
            user_id, "history.read", room->room_id,
            events.empty() ? "events=0"
                           : "seq=" + std::to_string(events.front().seq) + ".." +
                                 std::to_string(events.back().seq) +
                                 " events=" + std::to_string(events.size())};
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
