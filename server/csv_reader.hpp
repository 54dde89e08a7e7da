#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace musubi::server {

// One record of a CSV file: its fields and the line it starts on (1-based, counting the header),
// so that problems can be reported as "line 7: ...".
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// Why a file could not be read as CSV at all, and where.
struct CsvError {
  std::size_t line = 0;
  std::string message;
};

// Reads UTF-8 CSV text as RFC 4180 describes it: fields separated by commas, records by CRLF or
// LF; a field in double quotes may hold commas, line breaks and doubled quotes (""). A leading
// byte-order mark is skipped, and so are empty lines (a spreadsheet's trailing blank rows).
// Fields are returned exactly as written: no trimming. Refuses text that is not UTF-8 (naming
// the line), a quote inside an unquoted field, anything but a comma or line end after a closing
// quote, and a quoted field left open at the end of the file.
std::variant<std::vector<CsvRecord>, CsvError> read_csv(std::string_view text);

}  // namespace musubi::server
