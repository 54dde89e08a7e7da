// room.subscribe and the delivery of each followed room's log: replay from the database, then
// live events, exactly once each and in seq order.
#include <algorithm>

#include "protocol/room_event.hpp"
#include "server/connection.hpp"
#include "server/room_hub.hpp"
#include "server/stored_event_mapping.hpp"
#include "storage/events.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {
constexpr std::int64_t kReplayPage = 256;
}  // namespace

void Connection::subscribe(const protocol::Request& request) {
  protocol::Subscribe body;
  if (!parse_body(request, body)) return;
  struct Found {
    std::string public_id;
    std::int64_t room_id = 0;  // 0: not found
    std::int64_t last_seq = 0;
    std::optional<std::int64_t> after;
  };
  services_.store.read(
      [user_id = identity_->user_id, rooms = std::move(body.rooms)](storage::Database& db) {
        std::vector<Found> found;
        for (const auto& cursor : rooms) {
          Found f{cursor.room, 0, 0, cursor.after};
          if (const auto m = storage::find_membership(db, cursor.room, user_id)) {
            f.room_id = m->room_id;
            f.last_seq = storage::last_seq(db, m->room_id);
          }
          found.push_back(std::move(f));
        }
        return found;
      },
      [this, keep = transport_.keep_alive(), id = request.id,
       user_id = identity_->user_id](std::optional<std::vector<Found>> found) mutable {
        on_strand([this, id, user_id, found = std::move(found)] {
          if (!found) return reply_error(id, Errc::unavailable, "storage unavailable; retry");
          // Signed out or switched user meanwhile: the answer is no longer theirs to see.
          if (!identity_ || identity_->user_id != user_id || closed_) {
            return reply_error(id, Errc::unauthenticated, "signed out");
          }
          json rooms = json::array();
          for (const auto& f : *found) {
            if (f.room_id == 0) {
              rooms.push_back(json{{"room", f.public_id}, {"error", "not_found"}});
            } else {
              rooms.push_back(json{{"room", f.public_id}, {"last_seq", f.last_seq}});
            }
          }
          // The reply goes first; replayed events follow it.
          reply_ok(id, json{{"rooms", std::move(rooms)}});
          for (const auto& f : *found) {
            if (f.room_id == 0) continue;
            // A cursor beyond the end (say, after a restore from backup) restarts at the end.
            follow(f.room_id, f.public_id, std::min(f.after.value_or(f.last_seq), f.last_seq));
          }
        });
      });
}

void Connection::follow(std::int64_t room_id, std::string public_id, std::int64_t after) {
  Follow* existing = find_follow(room_id);
  auto& f = existing ? *existing : follows_.emplace_back(room_id, Follow{}).second;
  f.public_id = std::move(public_id);
  f.last_sent = after;
  f.catching_up = true;
  f.newest_seen = 0;
  // Join the hub before reading: whatever commits after the read's snapshot is then either seen
  // live or noticed as a gap, never lost between the two.
  services_.hub.subscribe(room_id, identity_->user_id, shared());
  catch_up(room_id);
}

void Connection::catch_up(std::int64_t room_id) {
  Follow* followed = find_follow(room_id);
  if (!followed || !identity_) return;
  auto& f = *followed;
  if (f.read_in_flight) return;  // its completion reads on as needed
  if (transport_.queued_bytes() > services_.config.limits.send_queue_bytes / 2) {
    // Replay no faster than the client reads: resume from on_write_complete().
    if (!f.waiting_for_drain) ++paused_replays_;
    f.waiting_for_drain = true;
    return;
  }
  f.read_in_flight = true;
  struct Page {
    std::vector<Frame> frames;
    bool more = false;  // the page stopped at its size limit, not at the end of the log
  };
  services_.store.read(
      [user_id = identity_->user_id, room_id, public_id = f.public_id, after = f.last_sent,
       max_bytes = services_.config.limits.send_queue_bytes /
                   4](storage::Database& db) -> std::optional<Page> {
        if (!storage::find_membership(db, public_id, user_id)) return std::nullopt;
        storage::EventRange range;
        range.from = after + 1;
        range.limit = kReplayPage;
        Page page;
        std::size_t bytes = 0;
        const auto events = storage::events_in_range(db, room_id, range);
        // A page never fills more than a quarter of the send queue, so that replay alone can
        // never make a client look slow.
        for (const auto& e : events) {
          if (bytes >= max_bytes) break;
          page.frames.push_back(
              std::make_shared<const std::string>(room_event_frame(e, public_id)));
          bytes += page.frames.back()->size();
        }
        page.more = page.frames.size() < events.size() ||
                    static_cast<std::int64_t>(events.size()) == kReplayPage;
        return page;
      },
      [this, keep = transport_.keep_alive(), room_id, user_id = identity_->user_id,
       from = f.last_sent + 1](std::optional<std::optional<Page>> page) mutable {
        on_strand([this, room_id, user_id, from, page = std::move(page)] {
          Follow* found = find_follow(room_id);
          if (!found) return;
          auto& follow = *found;
          follow.read_in_flight = false;
          if (!page) {
            transport_.close(protocol::close_code::internal_error,
                             "storage unavailable; resume later");
            return;
          }
          if (!*page) return stop_following(room_id);  // no longer a member
          const auto& frames = (*page)->frames;
          // The page starts at `from`; if the cursor moved meanwhile (a new subscribe), skip
          // what is already delivered.
          std::int64_t seq = from;
          const std::int64_t first_sent = follow.last_sent + 1;
          for (const auto& frame : frames) {
            if (seq == follow.last_sent + 1) {
              send(frame);
              follow.last_sent = seq;
            }
            ++seq;
          }
          // Replay reads stored history as room.history does, and is audited the same way.
          if (follow.last_sent >= first_sent) {
            record_read({user_id, "history.replay", room_id,
                         "seq=" + std::to_string(first_sent) + ".." +
                             std::to_string(follow.last_sent) +
                             " events=" + std::to_string(follow.last_sent - first_sent + 1)});
          }
          if ((*page)->more || follow.newest_seen > follow.last_sent ||
              from > follow.last_sent + 1) {
            catch_up(room_id);
          } else {
            follow.catching_up = false;
          }
        });
      });
}

void Connection::on_broadcast(const RoomBroadcast& broadcast) {
  Follow* found = find_follow(broadcast.room_id);
  if (!found) return;
  auto& f = *found;
  if (f.catching_up) {
    f.newest_seen = std::max(f.newest_seen, broadcast.seq);
    return;
  }
  if (broadcast.seq <= f.last_sent) return;  // already replayed
  if (broadcast.seq == f.last_sent + 1) {
    send(broadcast.frame);
    f.last_sent = broadcast.seq;
    return;
  }
  // A gap: fetch the missing events from the database, in order.
  f.catching_up = true;
  f.newest_seen = broadcast.seq;
  catch_up(broadcast.room_id);
}

Connection::Follow* Connection::find_follow(std::int64_t room_id) {
  for (auto& [id, f] : follows_) {
    if (id == room_id) return &f;
  }
  return nullptr;
}

void Connection::on_write_complete() {
  if (paused_replays_ == 0) return;
  if (transport_.queued_bytes() > services_.config.limits.send_queue_bytes / 4) return;
  for (auto& [room_id, f] : follows_) {
    if (!f.waiting_for_drain) continue;
    f.waiting_for_drain = false;
    --paused_replays_;
    catch_up(room_id);
  }
}

void Connection::stop_following(std::int64_t room_id) {
  const auto it = std::find_if(follows_.begin(), follows_.end(),
                               [&](const auto& f) { return f.first == room_id; });
  if (it == follows_.end()) return;
  if (it->second.waiting_for_drain) --paused_replays_;
  follows_.erase(it);
  services_.hub.unsubscribe(room_id, this);
}

void Connection::stop_following_all() {
  for (const auto& [room_id, f] : follows_)
    services_.hub.unsubscribe(room_id, this);
  follows_.clear();
  paused_replays_ = 0;
}

}  // namespace musubi::server
