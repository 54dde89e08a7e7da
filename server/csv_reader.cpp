#include "server/csv_reader.hpp"

#include "protocol/field_reader.hpp"

namespace musubi::server {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// The first line of `text` holding bytes that are not UTF-8 (0 when all of it is), so that a
// file saved as Shift_JIS is named as such instead of failing somewhere in the middle.
std::size_t first_non_utf8_line(std::string_view text) {
  std::size_t line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (!protocol::is_valid_utf8(text.substr(start, end - start))) return line;
    start = end + 1;
    ++line;
  }
  return 0;
}

}  // namespace

std::variant<std::vector<CsvRecord>, CsvError> read_csv(std::string_view text) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  if (const auto bad = first_non_utf8_line(text)) {
    return CsvError{bad, "not UTF-8 text (save the file as \"CSV UTF-8\")"};
  }
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  std::size_t line = 1;
  bool in_quotes = false;
  bool after_quote = false;  // the current quoted field has been closed
  bool record_open = false;  // something of the current record has been read
  std::size_t quote_line = 0;

  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_record = [&] {
    if (record_open) {
      end_field();
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    record_open = false;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!record_open) {
      record.line = line;
    }
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == ',') {
      record_open = true;
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
    } else if (after_quote) {
      return CsvError{line, "only a comma or the end of the line may follow a closing quote"};
    } else if (c == '"') {
      if (!field.empty()) {
        return CsvError{line,
                        "a quote inside an unquoted field (quote the whole field and "
                        "double the quotes in it)"};
      }
      record_open = true;
      in_quotes = true;
      quote_line = line;
    } else {
      record_open = true;
      field += c;
    }
  }
  if (in_quotes) return CsvError{quote_line, "a quoted field is never closed"};
  end_record();
  return records;
}

}  // namespace musubi::server
