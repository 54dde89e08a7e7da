#include "server/retention_commands.hpp"

#include <ctime>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "server/blob_store.hpp"
#include "server/data_directory.hpp"
#include "server/domain/retention.hpp"
#include "storage/database.hpp"
#include "storage/retention.hpp"

namespace musubi::server {

namespace {

namespace chr = std::chrono;

// The calendar day of `unix_ms` in the server's local time zone: the day staff saw the room
// close, and the day the period is counted from.
chr::year_month_day local_day(std::int64_t unix_ms) {
  const auto t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  return chr::year{tm.tm_year + 1900} / chr::month{static_cast<unsigned>(tm.tm_mon + 1)} /
         chr::day{static_cast<unsigned>(tm.tm_mday)};
}

std::string count_of(std::int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

int retention(const ServerConfig& config, bool apply, std::int64_t now_ms, std::ostream& out,
              std::ostream& err) {
  const int years = config.retention.closed_room_years;
  if (const auto problem = domain::retention_years_problem(years)) {
    err << "musubid: retention.closed_room_years " << *problem << "\n";
    return 1;
  }
  if (years == 0) {
    out << "retention: retention.closed_room_years is 0: closed rooms are kept forever, nothing "
           "is due\n";
    return 0;
  }
  if (!std::filesystem::exists(config.database_path())) {
    err << "musubid: no database at " << config.database_path().string() << "\n";
    return 1;
  }
  auto db = open_admin_database(config);
  const auto today = local_day(now_ms);
  out << "retention: closed rooms are kept " << years
      << " years after the day they closed; today is " << domain::format_date(today) << "\n";

  struct Due {
    storage::ClosedRoom room;
    chr::year_month_day closed_on;
  };
  std::vector<Due> due;
  std::int64_t kept = 0;
  for (auto& room : storage::closed_rooms(*db)) {
    const auto closed_on = local_day(room.closed_ms);
    if (domain::purge_due(closed_on, today, years)) {
      due.push_back(Due{std::move(room), closed_on});
    } else {
      ++kept;
    }
  }
  const auto kept_note = count_of(kept, "closed room") + " still within the period";
  if (due.empty()) {
    out << "no room is due; " << kept_note << "\n";
    return 0;
  }

  out << "ROOM\tCLOSED\tKEPT UNTIL\tEVENTS\tATTACHMENTS\n";
  for (const auto& d : due) {
    const chr::year_month_day last_day{
        chr::sys_days{domain::purge_allowed_from(d.closed_on, years)} - chr::days{1}};
    out << d.room.public_id << '\t' << domain::format_date(d.closed_on) << '\t'
        << domain::format_date(last_day) << '\t' << d.room.events << '\t' << d.room.attachments
        << "\n";
  }
  if (!apply) {
    out << count_of(static_cast<std::int64_t>(due.size()), "room") << " due; " << kept_note
        << ".\ndry run: nothing was deleted (musubid retention --apply purges the rooms above)\n";
    return 0;
  }

  const BlobStore blobs(config.attachments_path());
  int status = 0;
  std::int64_t purged = 0;
  for (const auto& d : due) {
    const auto outcome = storage::purge_room(
        *db, d.room.id, now_ms,
        " years=" + std::to_string(years) + " closed=" + domain::format_date(d.closed_on));
    if (!outcome.purged) continue;  // another run purged it meanwhile
    ++purged;
    // After the commit: a file is only ever deleted once no row names it. Checked again just
    // before, in case the server attached the same bytes to another room in the meantime. An
    // upload of the very same bytes racing this unlink could still end up naming a deleted file
    // (BlobStore::put skips a file that exists); a restore check would report it.
    std::int64_t files = 0;
    for (const auto& sha256 : outcome.unreferenced_files) {
      if (storage::attachment_file_referenced(*db, sha256)) continue;
      std::error_code ec;
      if (std::filesystem::remove(blobs.path_of(sha256), ec)) ++files;
      if (ec) {
        err << "musubid: cannot delete attachment file " << sha256 << ": " << ec.message() << "\n";
        status = 1;
      }
    }
    out << "purged " << d.room.public_id << ": " << count_of(outcome.events, "event") << ", "
        << count_of(outcome.attachments, "attachment") << ", " << count_of(files, "file")
        << " deleted\n";
  }
  out << "purged " << count_of(purged, "room") << "; " << kept_note << "\n";
  return status;
}

}  // namespace musubi::server
