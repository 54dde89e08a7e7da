#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/envelope.hpp"
#include "protocol/operations.hpp"
#include "server/dispatch_here.hpp"
#include "server/domain/vocabulary.hpp"
#include "server/operation_result.hpp"
#include "server/rate_limiter.hpp"
#include "server/room_broadcast.hpp"
#include "server/services.hpp"
#include "server/transport.hpp"
#include "storage/users.hpp"

namespace musubi::server {

// The protocol state of one client connection: who is signed in, which rooms it follows and how
// far, and the handling of each request. Lives inside its transport (the WebSocket session) and
// runs on that transport's strand; storage work runs elsewhere and posts its result back.
class Connection {
 public:
  Connection(Services& services, Transport& transport, std::string peer);

  // Strand only.
  void on_open();                                      // sends the welcome event
  void on_frame(bool is_text, std::string_view data);  // one complete WebSocket message
  void on_write_complete();                            // resumes paced replay
  void on_closed();                                    // leaves the hub and the registry

  // Thread-safe: each posts to the strand.
  void post_broadcast(std::shared_ptr<const RoomBroadcast> broadcast);
  void post_frame(Frame frame);                          // e.g. room.added
  void post_removed(std::int64_t room_id, Frame frame);  // room.removed: stop following
  void post_close(unsigned short code, std::string reason);

  // A shared pointer to this connection that keeps its transport alive.
  std::shared_ptr<Connection> shared();

 private:
  struct Identity {
    std::int64_t user_id = 0;
    std::int64_t session_id = 0;
    std::string login;
    std::string name;
    domain::Role role = domain::Role::member;
    std::int64_t org_id = 0;
    // The role requires a second factor and the user has none yet: only enrolment is open.
    bool must_enrol = false;
  };
  static Identity identity_of(const storage::User& user, std::int64_t session_id,
                              const SecurityConfig& security);

  // How far this connection has delivered one room's log. Live events are sent only when they
  // follow on exactly; anything else sends the connection back to the database to catch up.
  struct Follow {
    std::string public_id;
    std::int64_t last_sent = 0;
    bool catching_up = true;
    bool read_in_flight = false;
    bool waiting_for_drain = false;
    std::int64_t newest_seen = 0;  // highest live seq seen while catching up
  };

  using Handler = void (Connection::*)(const protocol::Request&);
  struct Operation {
    Handler handler;
    bool needs_identity;
    bool before_enrolment = false;  // open to a session that must enrol a second factor first
  };
  static const std::unordered_map<std::string_view, Operation>& operations();
  // Whether `op` may run on this connection now; if not, the error is sent.
  bool may_run(const nlohmann::json& id, const Operation& op);

  // Requests: sessions (session_operations.cpp).
  void sign_in(const protocol::Request& request);
  void resume(const protocol::Request& request);
  void sign_out(const protocol::Request& request);
  // The caller's own devices (device_operations.cpp).
  void list_devices(const protocol::Request& request);
  void revoke_device(const protocol::Request& request);

  // Requests: the caller's own second factor (two_factor_operations.cpp).
  void totp_enroll(const protocol::Request& request);
  void totp_confirm(const protocol::Request& request);
  void totp_disable(const protocol::Request& request);
  void renew_recovery_codes(const protocol::Request& request);
  // Patients (patient_operations.cpp).
  void register_patient(const protocol::Request& request);
  void get_patient(const protocol::Request& request);
  void list_patients(const protocol::Request& request);
  void record_consent(const protocol::Request& request);
  // Requests to open a room (request_operations.cpp).
  void file_request(const protocol::Request& request);
  void list_requests(const protocol::Request& request);
  void get_request(const protocol::Request& request);
  void act_on_request(const protocol::Request& request);
  // Organizations, users and the directory (administration_operations.cpp).
  void register_org(const protocol::Request& request);
  void list_orgs(const protocol::Request& request);
  void retire_org(const protocol::Request& request);
  void confirm_staff(const protocol::Request& request);
  void add_user(const protocol::Request& request);
  void list_users(const protocol::Request& request);
  void disable_user(const protocol::Request& request);
  void enable_user(const protocol::Request& request);
  void reset_signin(const protocol::Request& request);
  void revoke_user_sessions(const protocol::Request& request);
  void search_directory(const protocol::Request& request);
  // Announcements and statistics (announcement_operations.cpp, statistics_operations.cpp).
  void post_announcement(const protocol::Request& request);
  void list_announcements(const protocol::Request& request);
  void mark_announcements_read(const protocol::Request& request);
  void statistics(const protocol::Request& request);
  // The audit log, for city administrators (audit_operations.cpp).
  void list_audit(const protocol::Request& request);
  // Structured records, corrections, withdrawals, the current plan (record_operations.cpp).
  void list_templates(const protocol::Request& request);
  void post_record(const protocol::Request& request);
  void correct(const protocol::Request& request);
  void withdraw(const protocol::Request& request);
  void current_plan(const protocol::Request& request);
  void export_fhir(const protocol::Request& request);
  // Read receipts (receipt_operations.cpp).
  void mark_read(const protocol::Request& request);
  void read_state(const protocol::Request& request);
  void share_read_state(const protocol::Request& request);
  // The vocabulary (vocabulary_operation.cpp).
  void vocabulary(const protocol::Request& request);

  void list_inbox(const protocol::Request& request);
  void mark_inbox_read(const protocol::Request& request);
  void acknowledge(const protocol::Request& request);
  void acknowledgements(const protocol::Request& request);

  void raise_emergency(const protocol::Request& request);
  void emergency_status(const protocol::Request& request);
  void close_emergency(const protocol::Request& request);
  // Rooms (room_operations.cpp).
  void list_rooms(const protocol::Request& request);
  void room_info(const protocol::Request& request);
  void close_room(const protocol::Request& request);
  void add_member(const protocol::Request& request);
  void remove_member(const protocol::Request& request);
  void list_members(const protocol::Request& request);
  void post(const protocol::Request& request);
  void post_message(nlohmann::json id, protocol::PostMessage body);
  void history(const protocol::Request& request);
  void subscribe(const protocol::Request& request);

  // Sign-in steps after the password check.
  void finish_sign_in(const nlohmann::json& id, protocol::SignIn body,
                      std::optional<std::int64_t> user_id, bool password_ok);
  // Right after the commit that signed this connection in, among that commit's completions: from
  // here on, every later commit's notices for the user reach this connection too (completions
  // run one commit after the other), so nothing falls between sign-in and become().
  void enlist(const Identity& identity);
  // Strand: takes the identity (enlist() came first).
  void become(Identity identity);

  // Room following.
  void follow(std::int64_t room_id, std::string public_id, std::int64_t after);
  void catch_up(std::int64_t room_id);
  void on_broadcast(const RoomBroadcast& broadcast);
  Follow* find_follow(std::int64_t room_id);
  void stop_following(std::int64_t room_id);
  void stop_following_all();

  // Any thread, after storage work: replies to the request, then delivers to others what the
  // work committed (so that the author has its ack before the room sees the event).
  // `handoff`: when the request was handed to storage, for the latency of its reply.
  struct Handoff {
    std::string op;
    std::chrono::steady_clock::time_point at;
  };
  // Appends a read's audit entry with a later group commit: nobody waits for it.
  void record_read(OperationResult::ReadAudit audit);
  void finish(const nlohmann::json& id, std::optional<OperationResult> result,
              std::optional<Handoff> handoff = std::nullopt);
  // The storage completion that calls finish(). Made as the request is handed off.
  auto finisher(nlohmann::json id, std::string_view op) {
    return [this, keep = transport_.keep_alive(), id = std::move(id),
            handoff = Handoff{std::string(op), std::chrono::steady_clock::now()}](
               std::optional<OperationResult> result) mutable {
      finish(id, std::move(result), std::move(handoff));
    };
  }
  auto finisher(const protocol::Request& request) { return finisher(request.id, request.op); }

  // Replies and events.
  void send(Frame frame);
  void send(std::string text);
  void reply_ok(const nlohmann::json& id, const nlohmann::json& result);
  void reply_error(const nlohmann::json& id, protocol::Errc code, std::string_view message);

  // Runs `f` on the strand, keeping the connection alive until then: at once when the caller
  // already runs there (deliveries with a single network thread), else queued.
  template <class F>
  void on_strand(F f) {
    dispatch_here(transport_.executor(),
                  [keep = transport_.keep_alive(), f = std::move(f)]() mutable { f(); });
  }

  // Parses a request body or replies with the error; true on success.
  template <class Body>
  bool parse_body(const protocol::Request& request, Body& out) {
    if (auto error = protocol::parse(request.body, services_.body_limits, out)) {
      reply_error(request.id, error->code, error->message);
      return false;
    }
    return true;
  }

  Services& services_;
  Transport& transport_;
  const std::string peer_;
  RateLimiter limiter_;
  std::optional<Identity> identity_;
  // The rooms followed: a handful per user, so a vector searched in order is smaller and faster
  // than a hash map (one per connection, tens of thousands of connections). References into it
  // last until the next follow or stop_following.
  std::vector<std::pair<std::int64_t, Follow>> follows_;
  std::size_t paused_replays_ = 0;  // follows waiting for the send queue to drain
  bool closed_ = false;
};

}  // namespace musubi::server
