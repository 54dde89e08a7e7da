#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "server/config.hpp"

namespace musubi::server {

// `musubid audit verify`: walks the hash chain of the audit log. Prints the number of entries
// and the head hash (record it elsewhere: a later verify that prints a chain without it means
// the log was rewritten). Exit 0 intact, 1 broken (the first broken entry is named).
int audit_verify(const ServerConfig& config, std::ostream& out, std::ostream& err);

// `musubid audit export --from --to`: the entries in [from, to) as CSV (RFC 4180, UTF-8, header
// row) for review. The export is itself recorded in the audit log, once `out` has taken all of
// it: exit 0 done, 1 when writing failed (nothing recorded), 2 for an empty range.
int audit_export(const ServerConfig& config, std::int64_t from_ms, std::int64_t to_ms,
                 std::ostream& out, std::ostream& err);

// A bound of an export range: an RFC 3339 timestamp, or a date YYYY-MM-DD meaning local midnight
// at the start of that day (`end_of_day`: the midnight after it, so that --to 2026-12-05
// includes the 5th). nullopt when neither.
std::optional<std::int64_t> parse_time_bound(std::string_view text, bool end_of_day);

// One CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). Fields that a
// spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
std::string csv_field(std::string_view text);

}  // namespace musubi::server
