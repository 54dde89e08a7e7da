#include "server/emergency_escalator.hpp"

#include <boost/asio/post.hpp>

#include "server/clock.hpp"
#include "server/emergency_episode.hpp"
#include "server/log.hpp"
#include "storage/emergencies.hpp"
#include "storage/store.hpp"

namespace musubi::server {

EmergencyEscalator::EmergencyEscalator(boost::asio::any_io_executor strand, storage::Store& store,
                                       RoomHub& hub, ConnectionRegistry& registry,
                                       std::chrono::milliseconds step)
    : strand_(std::move(strand)), store_(store), hub_(hub), registry_(registry), step_(step) {}

void EmergencyEscalator::start() {
  store_.read([](storage::Database& db) { return storage::pending_escalations(db); },
              [self = shared_from_this()](std::optional<std::vector<storage::DueEscalation>> due) {
                if (!due) {
                  MUSUBI_LOG(error) << "emergency escalation: pending steps could not be read";
                  return;
                }
                for (const auto& d : *due)
                  self->schedule(d.id, d.at_ms);
              });
}

void EmergencyEscalator::stop() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    for (auto& [id, timer] : self->timers_)
      timer->cancel();
    self->timers_.clear();
  });
}

void EmergencyEscalator::schedule(std::int64_t id, std::int64_t at_ms) {
  boost::asio::post(strand_, [self = shared_from_this(), id, at_ms] { self->arm(id, at_ms); });
}

void EmergencyEscalator::arm(std::int64_t id, std::int64_t at_ms) {
  if (stopped_) return;
  auto& timer = timers_[id];
  if (!timer) timer = std::make_unique<boost::asio::steady_timer>(strand_);
  timer->expires_after(std::chrono::milliseconds(std::max<std::int64_t>(0, at_ms - now_ms())));
  timer->async_wait([self = shared_from_this(), id](boost::system::error_code ec) {
    if (!ec && !self->stopped_) self->run_step(id);
  });
}

void EmergencyEscalator::run_step(std::int64_t id) {
  timers_.erase(id);
  store_.write([id, step = step_.count()](
                   storage::Database& db) { return escalate_emergency(db, id, now_ms(), step); },
               [self = shared_from_this(), id](std::optional<EscalationStep> done) {
                 if (!done) {
                   // The commit failed: nothing was sent, and the step is still due in the
                   // database.
                   MUSUBI_LOG(error) << "emergency escalation " << id << ": step failed; retrying";
                   self->schedule(id, now_ms() + 1000);
                   return;
                 }
                 deliver(done->result, self->hub_, self->registry_);
                 if (done->next_at_ms) self->schedule(id, *done->next_at_ms);
               });
}

}  // namespace musubi::server
