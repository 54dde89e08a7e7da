#pragma once

#include <cstdint>
#include <iosfwd>

#include "server/config.hpp"

namespace musubi::server {

// `musubid retention [--apply]`: lists the closed rooms whose retention period
// (retention.closed_room_years, counted by domain::purge_allowed_from in the server's local
// calendar) has ended: public id, closing day, last day kept, events and attachments. Deletes
// nothing unless `apply`: then purges each of them (storage::purge_room, one transaction and one
// audit entry per room) and deletes the attachment files no other room names. A command and not
// a timer, so that deleting medical records is always a deliberate act of an administrator.
// `now_ms` is today (tests pass another day). Exit 0 done, 1 failed.
int retention(const ServerConfig& config, bool apply, std::int64_t now_ms, std::ostream& out,
              std::ostream& err);

}  // namespace musubi::server
