// announcement.* and stats.summary. (Being written: until then each answers unknown_op.)
#include "server/connection.hpp"

namespace musubi::server {

void Connection::post_announcement(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::list_announcements(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::mark_announcements_read(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::statistics(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }

}  // namespace musubi::server
