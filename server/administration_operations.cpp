// org.*, user.* and directory.search. (Being written: until then each answers unknown_op.)
#include "server/connection.hpp"

namespace musubi::server {


void Connection::register_org(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::list_orgs(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::retire_org(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::confirm_staff(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::add_user(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::list_users(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::disable_user(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::enable_user(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::reset_signin(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }
void Connection::search_directory(const protocol::Request& r) { reply_error(r.id, protocol::Errc::unknown_op, "not yet"); }

}  // namespace musubi::server
