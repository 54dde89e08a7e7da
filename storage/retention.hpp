#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

// A closed room that still holds its content: what the retention rule is asked about.
struct ClosedRoom {
  std::int64_t id = 0;
  std::string public_id;
  std::int64_t closed_ms = 0;
  std::int64_t events = 0;
  std::int64_t attachments = 0;
};

// Closed rooms not purged yet, oldest closing first.
std::vector<ClosedRoom> closed_rooms(Database& db);

// What purging one room removed.
struct PurgeOutcome {
  bool purged = false;  // false: no such room, still open, or already purged; nothing changed
  std::int64_t events = 0;
  std::int64_t attachments = 0;
  std::int64_t members = 0;
  std::int64_t notifications = 0;
  std::int64_t acknowledgements = 0;
  std::int64_t emergencies = 0;
  // SHA-256s of the room's files that no attachment row names any more (files are stored once
  // for every room that posted the same bytes): the caller deletes them after the commit.
  std::vector<std::string> unreferenced_files;
};

// Deletes a closed room's content at the end of its retention period, in one immediate
// transaction with its audit entry (action "retention.purge", no actor, detail
// "events=N attachments=N" + `detail_suffix`): the log (messages, records, their revisions),
// attachment rows, members with their read state, notifications, acknowledgements and emergency
// calls. The room row stays as a tombstone with purged_ms set and its closing note cleared, so
// that its ids are never reused and audit entries naming it still resolve. Audit entries are
// never deleted. Throws SqliteError.
PurgeOutcome purge_room(Database& db, std::int64_t room_id, std::int64_t now_ms,
                        std::string_view detail_suffix = {});

// Whether any attachment row (of any room) names the file with this SHA-256.
bool attachment_file_referenced(Database& db, std::string_view sha256);

}  // namespace musubi::storage
