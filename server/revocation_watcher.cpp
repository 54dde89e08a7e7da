#include "server/revocation_watcher.hpp"

#include <boost/asio/post.hpp>

#include "protocol/error_code.hpp"
#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "storage/store.hpp"

namespace musubi::server {

void apply_revocation(ConnectionRegistry& registry, const storage::Revocation& revocation) {
  const bool disabled = revocation.reason == "disabled";
  const auto code =
      disabled ? protocol::close_code::account_disabled : protocol::close_code::session_revoked;
  const std::string reason = disabled ? "account disabled" : "session revoked: sign in again";
  const auto targets =
      revocation.session_id
          ? registry.of_session(revocation.user_id, *revocation.session_id)
          : registry.of_user(revocation.user_id,
                             revocation.up_to_session.value_or(ConnectionRegistry::kAnySession));
  for (const auto& c : targets)
    c->post_close(code, reason);
}

RevocationWatcher::RevocationWatcher(const boost::asio::any_io_executor& executor,
                                     storage::Store& store, ConnectionRegistry& registry,
                                     std::chrono::milliseconds interval)
    : timer_(executor), store_(store), registry_(registry), interval_(interval) {}

void RevocationWatcher::start() {
  store_.read([](storage::Database& db) { return storage::last_revocation_id(db); },
              [self = shared_from_this()](std::optional<std::int64_t> last) {
                boost::asio::post(self->timer_.get_executor(), [self, last] {
                  if (last) self->last_id_ = *last;
                  self->schedule();
                });
              });
}

void RevocationWatcher::stop() {
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
  });
}

void RevocationWatcher::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec && !self->stopped_) self->poll();
  });
}

void RevocationWatcher::poll() {
  store_.read(
      [after = last_id_](storage::Database& db) { return storage::revocations_after(db, after); },
      [self = shared_from_this()](std::optional<std::vector<storage::Revocation>> found) {
        boost::asio::post(self->timer_.get_executor(), [self, found = std::move(found)] {
          if (found) {
            for (const auto& r : *found) {
              apply_revocation(self->registry_, r);
              self->last_id_ = r.id;
            }
          }
          self->schedule();
        });
      });
}

}  // namespace musubi::server
