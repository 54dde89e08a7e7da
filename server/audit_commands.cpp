#include "server/audit_commands.hpp"

#include <ctime>
#include <ostream>

#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/data_directory.hpp"
#include "storage/audit.hpp"
#include "storage/audit_chain.hpp"
#include "storage/database.hpp"

namespace musubi::server {

int audit_verify(const ServerConfig& config, std::ostream& out, std::ostream& err) {
  if (!std::filesystem::exists(config.database_path())) {
    err << "musubid: no database at " << config.database_path().string() << "\n";
    return 1;
  }
  storage::Database db(config.database_path(), storage::OpenMode::read_only);
  const auto result = storage::verify_audit_chain(db);
  if (!result.ok()) {
    err << "audit log: chain BROKEN at entry " << *result.first_broken_id << " (after "
        << result.entries - 1 << " intact entries): an entry was changed, removed or inserted\n";
    return 1;
  }
  out << "audit log: " << result.entries << " entries, chain intact\n"
      << "head: " << (result.head_hash_hex.empty() ? "(empty)" : result.head_hash_hex) << "\n";
  return 0;
}

int audit_export(const ServerConfig& config, std::int64_t from_ms, std::int64_t to_ms,
                 std::ostream& out, std::ostream& err) {
  if (to_ms <= from_ms) {
    err << "musubid: --to must be after --from\n";
    return 2;
  }
  auto db = open_admin_database(config);
  storage::AuditQuery query;
  query.from_ms = from_ms;
  query.to_ms = to_ms;
  query.newest_first = false;
  query.limit = 10'000;
  out << "id,time,actor_id,actor_login,action,room,detail\r\n";
  std::int64_t rows = 0;
  for (;;) {
    const auto page = storage::list_audit(*db, query);
    for (const auto& e : page) {
      out << e.id << ',' << protocol::format_timestamp(e.ts_ms) << ','
          << (e.actor_id ? std::to_string(*e.actor_id) : "") << ',' << csv_field(e.actor_login)
          << ',' << csv_field(e.action) << ',' << csv_field(e.room) << ',' << csv_field(e.detail)
          << "\r\n";
    }
    rows += static_cast<std::int64_t>(page.size());
    if (page.size() < static_cast<std::size_t>(query.limit)) break;
    query.after_id = page.back().id;
  }
  out.flush();
  if (!out) {
    // A full disk or an I/O error: the output is incomplete, so the log must not say it was
    // exported.
    err << "musubid: writing the audit export failed (disk full or I/O error); the output is "
           "incomplete and the export was not recorded\n";
    return 1;
  }
  storage::append_audit(*db, now_ms(), std::nullopt, "audit.export", std::nullopt,
                        "from=" + protocol::format_timestamp(from_ms) + " to=" +
                            protocol::format_timestamp(to_ms) + " rows=" + std::to_string(rows));
  err << "exported " << rows << " audit entries\n";
  return 0;
}

std::optional<std::int64_t> parse_time_bound(std::string_view text, bool end_of_day) {
  if (auto ts = protocol::parse_timestamp(text)) return ts;
  if (!protocol::is_calendar_date(text)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(std::string(text.substr(0, 4))) - 1900;
  tm.tm_mon = std::stoi(std::string(text.substr(5, 2))) - 1;
  tm.tm_mday = std::stoi(std::string(text.substr(8, 2))) + (end_of_day ? 1 : 0);
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);  // normalises the day after the end of a month
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(t) * 1000;
}

std::string csv_field(std::string_view text) {
  std::string value;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@'))
    value = "'";
  value.append(text);
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace musubi::server
