#include "server/connection.hpp"

#include <boost/asio/post.hpp>

#include "musubi_version.hpp"
#include "protocol/account_operations.hpp"
#include "protocol/admin_operations.hpp"
#include "protocol/care_operations.hpp"
#include "protocol/device_operations.hpp"
#include "protocol/emergency_operations.hpp"
#include "protocol/notification_operations.hpp"
#include "protocol/plain_post.hpp"
#include "protocol/receipt_operations.hpp"
#include "protocol/record_operations.hpp"
#include "protocol/room_event.hpp"
#include "server/clock.hpp"
#include "server/connection_registry.hpp"
#include "server/emergency_escalator.hpp"
#include "server/log.hpp"
#include "server/request_latency.hpp"
#include "server/room_hub.hpp"
#include "storage/audit.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

Connection::Connection(Services& services, Transport& transport, std::string peer)
    : services_(services),
      transport_(transport),
      peer_(std::move(peer)),
      limiter_(services.config.limits.requests_per_second, services.config.limits.request_burst,
               RateLimiter::Clock::now()) {}

std::shared_ptr<Connection> Connection::shared() {
  // Aliasing constructor: points at this connection, owns (and keeps alive) the transport.
  return {transport_.keep_alive(), this};
}

const std::unordered_map<std::string_view, Connection::Operation>& Connection::operations() {
  namespace op = protocol::op;
  static const std::unordered_map<std::string_view, Operation> table = {
      {op::sign_in, {&Connection::sign_in, false}},
      {op::resume, {&Connection::resume, false}},
      {op::sign_out, {&Connection::sign_out, true, true}},
      {op::list_devices, {&Connection::list_devices, true}},
      {op::revoke_device, {&Connection::revoke_device, true}},
      {op::vocabulary, {&Connection::vocabulary, false, true}},
      {op::list_templates, {&Connection::list_templates, false, true}},
      {op::totp_enroll, {&Connection::totp_enroll, true, true}},
      {op::totp_confirm, {&Connection::totp_confirm, true, true}},
      {op::totp_disable, {&Connection::totp_disable, true}},
      {op::recovery_codes, {&Connection::renew_recovery_codes, true}},
      {op::post_record, {&Connection::post_record, true}},
      {op::correct, {&Connection::correct, true}},
      {op::withdraw, {&Connection::withdraw, true}},
      {op::current_plan, {&Connection::current_plan, true}},
      {op::export_fhir, {&Connection::export_fhir, true}},
      {op::mark_read, {&Connection::mark_read, true}},
      {op::read_state, {&Connection::read_state, true}},
      {op::share_read_state, {&Connection::share_read_state, true}},
      {op::list_inbox, {&Connection::list_inbox, true}},
      {op::mark_inbox_read, {&Connection::mark_inbox_read, true}},
      {op::acknowledge, {&Connection::acknowledge, true}},
      {op::acknowledgements, {&Connection::acknowledgements, true}},
      {op::raise_emergency, {&Connection::raise_emergency, true}},
      {op::emergency_status, {&Connection::emergency_status, true}},
      {op::close_emergency, {&Connection::close_emergency, true}},
      {op::register_patient, {&Connection::register_patient, true}},
      {op::get_patient, {&Connection::get_patient, true}},
      {op::list_patients, {&Connection::list_patients, true}},
      {op::record_consent, {&Connection::record_consent, true}},
      {op::file_request, {&Connection::file_request, true}},
      {op::list_requests, {&Connection::list_requests, true}},
      {op::get_request, {&Connection::get_request, true}},
      {op::act_on_request, {&Connection::act_on_request, true}},
      {op::register_org, {&Connection::register_org, true}},
      {op::list_orgs, {&Connection::list_orgs, true}},
      {op::retire_org, {&Connection::retire_org, true}},
      {op::confirm_staff, {&Connection::confirm_staff, true}},
      {op::add_user, {&Connection::add_user, true}},
      {op::list_users, {&Connection::list_users, true}},
      {op::disable_user, {&Connection::disable_user, true}},
      {op::enable_user, {&Connection::enable_user, true}},
      {op::reset_signin, {&Connection::reset_signin, true}},
      {op::revoke_user_sessions, {&Connection::revoke_user_sessions, true}},
      {op::search_directory, {&Connection::search_directory, true}},
      {op::post_announcement, {&Connection::post_announcement, true}},
      {op::list_announcements, {&Connection::list_announcements, true}},
      {op::mark_announcements_read, {&Connection::mark_announcements_read, true}},
      {op::statistics, {&Connection::statistics, true}},
      {op::list_audit, {&Connection::list_audit, true}},
      {op::list_rooms, {&Connection::list_rooms, true}},
      {op::room_info, {&Connection::room_info, true}},
      {op::close_room, {&Connection::close_room, true}},
      {op::add_member, {&Connection::add_member, true}},
      {op::remove_member, {&Connection::remove_member, true}},
      {op::list_members, {&Connection::list_members, true}},
      {op::post, {&Connection::post, true}},
      {op::history, {&Connection::history, true}},
      {op::subscribe, {&Connection::subscribe, true}},
  };
  return table;
}

void Connection::on_open() {
  const auto& limits = services_.config.limits;
  send(protocol::encode_event(protocol::event::welcome,
                              json{{"protocol", protocol::kSubprotocol},
                                   {"server", std::string("musubid ") + kVersion},
                                   {"limits",
                                    {{"max_frame_bytes", limits.max_frame_bytes},
                                     {"max_json_depth", limits.max_json_depth},
                                     {"max_text_chars", limits.max_text_chars},
                                     {"requests_per_second", limits.requests_per_second},
                                     {"request_burst", limits.request_burst},
                                     {"max_history_limit", protocol::kMaxHistoryLimit}}}}));
}

void Connection::on_frame(bool is_text, std::string_view data) {
  if (closed_) return;
  if (!is_text) {
    reply_error(nullptr, Errc::unsupported_frame, "musubi.v1 uses text frames only");
    return;
  }
  if (!limiter_.allow(RateLimiter::Clock::now())) {
    // Answer without parsing the frame: a flood costs as little as possible.
    reply_error(nullptr, Errc::rate_limited, "too many requests; slow down");
    return;
  }
  const auto max_depth = services_.config.limits.max_json_depth;
  // The request every member sends all day, read without a JSON tree when it has the plain shape;
  // any other frame, or a post with anything more, is decoded in full.
  if (auto plain = protocol::read_plain_post(data, services_.body_limits, max_depth)) {
    static const Operation& post_operation = operations().at(protocol::op::post);
    if (may_run(plain->id, post_operation))
      post_message(std::move(plain->id), std::move(plain->body));
    return;
  }
  auto decoded = protocol::decode_request(data, max_depth);
  if (auto* error = std::get_if<protocol::DecodeError>(&decoded)) {
    reply_error(error->id, error->code, error->message);
    return;
  }
  const auto& request = std::get<protocol::Request>(decoded);
  const auto& table = operations();
  auto it = table.find(request.op);
  if (it == table.end()) {
    reply_error(request.id, Errc::unknown_op, "unknown operation \"" + request.op + "\"");
    return;
  }
  if (may_run(request.id, it->second)) (this->*(it->second.handler))(request);
}

bool Connection::may_run(const nlohmann::json& id, const Operation& op) {
  if (op.needs_identity && !identity_) {
    reply_error(id, Errc::unauthenticated, "sign in or resume a session first");
    return false;
  }
  if (identity_ && identity_->must_enrol && !op.before_enrolment) {
    reply_error(id, Errc::enrolment_required,
                "your role requires two-factor sign-in: enrol with account.totp_enroll first");
    return false;
  }
  return true;
}

void Connection::on_closed() {
  if (closed_) return;
  closed_ = true;
  stop_following_all();
  services_.registry.remove(this);
}

void Connection::send(Frame frame) {
  if (!closed_) transport_.send(std::move(frame));
}

void Connection::send(std::string text) {
  send(std::make_shared<const std::string>(std::move(text)));
}

void Connection::reply_ok(const json& id, const json& result) {
  send(protocol::encode_ok(id, result));
}

void Connection::reply_error(const json& id, Errc code, std::string_view message) {
  send(protocol::encode_error(id, code, message));
  if (protocol::is_fatal(code)) {
    transport_.close(protocol::close_code_for(code), std::string(message));
  }
}

void Connection::post_broadcast(std::shared_ptr<const RoomBroadcast> broadcast) {
  on_strand([this, broadcast = std::move(broadcast)] { on_broadcast(*broadcast); });
}

void Connection::post_frame(Frame frame) {
  on_strand([this, frame = std::move(frame)]() mutable {
    // A session that may only enrol sees nothing of the network yet.
    if (identity_ && identity_->must_enrol) return;
    send(std::move(frame));
  });
}

void Connection::post_removed(std::int64_t room_id, Frame frame) {
  on_strand([this, room_id, frame = std::move(frame)]() mutable {
    stop_following(room_id);
    send(std::move(frame));
  });
}

void Connection::post_close(unsigned short code, std::string reason) {
  on_strand([this, code, reason = std::move(reason)]() mutable {
    if (closed_) return;
    stop_following_all();
    services_.registry.remove(this);
    identity_.reset();
    transport_.close(code, std::move(reason));
  });
}

void Connection::enlist(const Identity& identity) {
  services_.registry.add(identity.user_id, identity.session_id, shared());
}

void Connection::become(Identity identity) {
  stop_following_all();
  identity_ = std::move(identity);
}

}  // namespace musubi::server

namespace musubi::server {

void Connection::record_read(OperationResult::ReadAudit audit) {
  // Nobody waits for this entry (the reply goes now), so it may share a later commit: a stream
  // of reads then costs one fsync per deferral window instead of one per read.
  std::string action = audit.action;  // before the move: argument order is unspecified
  services_.store.write(
      [audit = std::move(audit)](storage::Database& db) {
        storage::append_audit(db, now_ms(), audit.user_id, audit.action, audit.room_id,
                              audit.detail);
        return true;
      },
      [action = std::move(action)](std::optional<bool> recorded) {
        // The reply has gone; what is left is to say that its trace is missing.
        if (!recorded) {
          MUSUBI_LOG(warn) << "audit: a read's entry (" << action << ") was lost";
        }
      },
      storage::Durability::deferred);
}

void Connection::finish(const json& id, std::optional<OperationResult> result,
                        std::optional<Handoff> handoff) {
  // Measured as the reply is queued, on the strand: the storage queue, the work and the way back.
  auto timed = [this, handoff = std::move(handoff)] {
    if (handoff) {
      services_.request_latency.record(handoff->op, std::chrono::steady_clock::now() - handoff->at);
    }
  };
  if (!result) {
    on_strand([this, id, timed] {
      reply_error(id, Errc::unavailable, "storage unavailable; retry");
      timed();
    });
    return;
  }
  if (result->error) {
    on_strand([this, id, timed, code = *result->error, message = std::move(result->message)] {
      reply_error(id, code, message);
      timed();
    });
    return;
  }
  if (auto audit = std::move(result->read_audit)) record_read(std::move(*audit));
  if (const auto& due = result->escalation) {
    services_.escalator.schedule(due->emergency_id, due->at_ms);
  }
  on_strand(
      [this, id, timed, body = std::move(result->result), text = std::move(result->result_text)] {
        if (text.empty()) {
          reply_ok(id, body);
        } else {
          send(protocol::encode_ok_text(id, text));
        }
        timed();
      });
  deliver(*result, services_.hub, services_.registry);
}

}  // namespace musubi::server
