// tail: follows one room, printing each event exactly once and in order, across reconnects; and
// the user's notifications as they come.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <signal.h>
#include <time.h>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/event_format.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/notification_operations.hpp"
#include "protocol/operations.hpp"
#include "protocol/room_event.hpp"

namespace musubi::cli {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kFirstBackoff{500};
constexpr milliseconds kMaxBackoff{10000};
// How long a wait for the next event lasts before the stop flag is looked at again.
constexpr milliseconds kStopCheck{200};

volatile sig_atomic_t stop_requested = 0;

extern "C" void request_stop(int) {
  stop_requested = 1;
}

// SIGINT and SIGTERM end the tail cleanly. No SA_RESTART: a sleep ends at once.
void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

// Waits `duration`, in short naps so that a stop request is seen within one of them. Returns
// false when a stop was requested.
bool pause_for(milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (!stop_requested) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    const auto nap = std::min(left, milliseconds(100));
    timespec ts{0, static_cast<long>(nap.count()) * 1000000L};
    ::nanosleep(&ts, nullptr);
  }
  return false;
}

std::string seconds_text(milliseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return text;
}

// Whether trying again later can help.
bool retryable(const CliError& e) {
  switch (e.kind()) {
    case CliError::Kind::connect_failed:
    case CliError::Kind::connection_lost: return true;
    case CliError::Kind::server:
      // A revoked session keeps failing until someone logs in again, which another shell may
      // do: the state file is read again before each attempt.
      return e.server_code() == "invalid_token" || e.server_code() == "unavailable" ||
             e.server_code() == "rate_limited" || e.server_code() == "unauthenticated" ||
             e.server_code() == "internal";
    case CliError::Kind::usage:
    case CliError::Kind::local: return false;
  }
  return false;
}

// Follows one room across connections. `cursor_` is the last seq printed (or the room's end when
// following began): each new connection subscribes with after=cursor_, so the server replays
// exactly what was missed.
class RoomFollower {
 public:
  RoomFollower(const Context& ctx, const TailOptions& options)
      : ctx_(ctx), options_(options), state_(ctx.store.load()) {
    if (options.from) cursor_ = std::max<std::int64_t>(*options.from, 1) - 1;
  }

  int run() {
    for (;;) {
      try {
        if (follow_once() == Ended::stopped) return 0;
      } catch (const CliError& e) {
        if (stop_requested) return 0;
        // The first connection must work: a mistake on the command line is reported at once.
        if (!followed_once_ || !retryable(e)) throw;
        std::cerr << "musubi: " << e.what() << "; retrying in " << seconds_text(backoff_)
                  << std::endl;
      }
      if (!pause_for(backoff_)) return 0;
      backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    }
  }

 private:
  enum class Ended { stopped, closed };

  // Connects, resumes, subscribes and prints events until the connection closes or a stop is
  // requested. Throws CliError.
  Ended follow_once() {
    const State& state = current_state();
    auto session = ServerSession::connect(resolve_settings(ctx_.options, state));
    catch_up_notifications(session->resume(state.token, state.login));
    json cursor = {{"room", options_.room}};
    if (cursor_) cursor["after"] = *cursor_;
    const auto reply =
        session->call(protocol::op::subscribe, {{"rooms", json::array({std::move(cursor)})}});
    const auto rooms = reply.value("rooms", json::array());
    const json room = rooms.empty() ? json::object() : rooms.front();
    if (room.contains("error")) {
      const auto code = room.value("error", std::string("not_found"));
      throw CliError(CliError::Kind::server, code == "not_found" ? "room not found" : code, code);
    }
    // A cursor past the end (a restore from backup) restarts at the end, as on the server.
    const auto last_seq = room.value("last_seq", std::int64_t{0});
    if (!cursor_ || *cursor_ > last_seq) cursor_ = last_seq;
    // On stderr, so that stdout holds events only; scripts (and the tests) wait for this line.
    std::cerr << "musubi: " << (followed_once_ ? "reconnected; " : "") << "following "
              << terminal_safe(options_.room) << " after #" << *cursor_ << std::endl;
    followed_once_ = true;
    backoff_ = kFirstBackoff;

    auto& connection = session->connection();
    const milliseconds keepalive = std::chrono::seconds(options_.keepalive_seconds);
    auto last_heard = Clock::now();
    std::optional<std::string> probe;  // id of the request checking that the server answers
    Clock::time_point probe_sent;
    while (!stop_requested) {
      auto frame = connection.next_event(kStopCheck);
      const auto now = Clock::now();
      if (frame) {
        last_heard = now;
        handle(*frame);
        continue;
      }
      if (const auto& closed = connection.closed()) {
        std::cerr << "musubi: connection closed (" << closed->code << " "
                  << terminal_safe(closed->reason) << "); reconnecting in "
                  << seconds_text(backoff_) << std::endl;
        return Ended::closed;
      }
      // A connection can die without a close (a peer that vanished, a NAT that forgot us), and
      // the connection library sends no pings of its own: after a silence, ask something cheap.
      if (probe) {
        if (connection.reply_to(*probe, milliseconds(0))) {
          probe.reset();
          last_heard = now;
        } else if (now - probe_sent >= keepalive) {
          std::cerr << "musubi: no answer from the server for " << options_.keepalive_seconds
                    << " s; reconnecting in " << seconds_text(backoff_) << std::endl;
          session->abandon();
          return Ended::closed;
        }
      } else if (now - last_heard >= keepalive) {
        try {
          probe = connection.send_request(protocol::op::list_members, {{"room", options_.room}});
          probe_sent = now;
        } catch (const client::ClientError&) {
          // Closed meanwhile: seen on the next turn.
        }
      }
    }
    return Ended::stopped;
  }

  void handle(const protocol::ServerFrame& frame) {
    if (!frame.body.is_object()) return;
    if (frame.event == protocol::event::notification) {
      print_notification(frame.body);
      return;
    }
    if (frame.body.value("room", std::string()) != options_.room) return;
    if (frame.event == protocol::event::room_event) {
      const auto seq = frame.body.value("seq", std::int64_t{0});
      if (cursor_ && seq <= *cursor_) return;  // already printed
      std::cout << (options_.json ? format_event_json(frame.body) : format_event_text(frame.body))
                << std::endl;  // flushed per event: tail is read as it happens
      cursor_ = seq;
    } else if (frame.event == protocol::event::room_removed) {
      throw CliError(CliError::Kind::server,
                     "removed from the room by " +
                         terminal_safe(frame.body.value("by", std::string("an administrator"))),
                     "not_found");
    }
  }

  // Notifications are the user's, not the room's: those of every room are printed, since an
  // emergency elsewhere must not go unseen. Each once: ids only grow.
  void print_notification(const json& n) {
    const auto id = n.value("id", std::int64_t{0});
    if (id <= last_notification_) return;
    last_notification_ = id;
    std::cout << (options_.json ? format_notification_json(n) : format_notification_text(n))
              << std::endl;
  }

  // session.resume lists the unread notifications, newest first. On the first connection they
  // came before following began (not printed); on a reconnect the newer ones were missed.
  void catch_up_notifications(const json& resumed) {
    const auto list = resumed.value("notifications", json::array());
    if (!followed_once_) {
      for (const auto& n : list) {
        if (n.is_object()) {
          last_notification_ = std::max(last_notification_, n.value("id", std::int64_t{0}));
        }
      }
      return;
    }
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      if (it->is_object()) print_notification(*it);
    }
  }

  // The identity to connect as, read again before each attempt: after `musubi login` in another
  // shell the new token is used, but only if it is the same user's.
  const State& current_state() {
    try {
      State now = ctx_.store.load();
      if (now.login == state_.login && !now.token.empty()) state_ = std::move(now);
    } catch (const CliError&) {
      // Keep what was read at the start.
    }
    require_logged_in(state_);
    return state_;
  }

  const Context& ctx_;
  TailOptions options_;
  State state_;  // the identity followed as: server, CA, login, token
  std::optional<std::int64_t> cursor_;
  std::int64_t last_notification_ = 0;  // the newest notification printed or already there
  bool followed_once_ = false;
  milliseconds backoff_ = kFirstBackoff;
};

}  // namespace

int tail(const Context& ctx, const TailOptions& options) {
  if (options.from && *options.from < 0) {
    throw CliError(CliError::Kind::usage, "--from must not be negative");
  }
  if (options.keepalive_seconds < 1) {
    throw CliError(CliError::Kind::usage, "--keepalive must be at least 1");
  }
  install_stop_handlers();
  RoomFollower follower(ctx, options);
  return follower.run();
}

}  // namespace musubi::cli
