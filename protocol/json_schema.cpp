#include "protocol/json_schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "protocol/hex_digit.hpp"

namespace musubi::protocol {

using nlohmann::json;

// std::wregex matches on wchar_t, which holds a whole code point only where it is 32 bits wide.
static_assert(sizeof(wchar_t) >= 4, "patterns are matched on code points through std::wregex");

// The compiled form: one node per subschema, each holding the keyword values it asserts and the
// messages it reports, built once so that validation only walks and compares.
struct JsonSchema::Compiled {
  // A limit on a count (characters or items) and the message for breaking it.
  struct CountRule {
    std::size_t value = 0;
    std::string message;
  };
  // A limit on a number, kept as the schema wrote it (integer or not), and its message.
  struct NumberRule {
    json value;
    std::string message;
  };
  enum class Format { none, date, date_time, time };

  // One subschema.
  struct Node {
    std::string location;         // JSON pointer into the schema, "#/properties/a"
    std::optional<bool> boolean;  // set for the schemas true and false: nothing else is
    unsigned types = 0;           // TypeBit mask; 0 when "type" is absent
    std::string type_message;
    std::optional<std::vector<json>> enum_values;
    std::string enum_message;
    std::optional<json> const_value;
    std::string const_message;
    // Strings.
    std::optional<CountRule> min_length, max_length;
    std::optional<std::wregex> pattern;
    std::string pattern_message;
    Format format = Format::none;
    std::string format_message;
    // Numbers.
    std::optional<NumberRule> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
    // Arrays.
    std::optional<CountRule> min_items, max_items;
    bool unique_items = false;
    const Node* items = nullptr;
    // Objects.
    std::map<std::string, const Node*, std::less<>> properties;
    std::vector<std::string> required;  // sorted, without duplicates
    const Node* additional_properties = nullptr;
    // Subschemas applied to the same value.
    const Node* ref = nullptr;
    std::vector<const Node*> all_of, any_of, one_of;
    const Node* not_ = nullptr;
    const Node* if_ = nullptr;
    const Node* then_ = nullptr;
    const Node* else_ = nullptr;
  };

  std::deque<Node> nodes;  // a deque, so that pointers to nodes stay valid while it grows
  const Node* root = nullptr;
};

namespace {

using Node = JsonSchema::Compiled::Node;
using CountRule = JsonSchema::Compiled::CountRule;
using NumberRule = JsonSchema::Compiled::NumberRule;
using Format = JsonSchema::Compiled::Format;

constexpr std::size_t kMaxDepth = JsonSchema::kMaxDepth;

// ---------------------------------------------------------------------------------------------
// Types

enum TypeBit : unsigned {
  kNull = 1u << 0,
  kBoolean = 1u << 1,
  kObject = 1u << 2,
  kArray = 1u << 3,
  kNumber = 1u << 4,
  kString = 1u << 5,
  kInteger = 1u << 6,
};

struct TypeName {
  std::string_view name;    // as the schema writes it
  std::string_view phrase;  // as a message says it
  TypeBit bit;
};

constexpr TypeName kTypeNames[] = {
    {"null", "null", kNull},
    {"boolean", "a boolean", kBoolean},
    {"object", "an object", kObject},
    {"array", "an array", kArray},
    {"number", "a number", kNumber},
    {"string", "a string", kString},
    {"integer", "an integer", kInteger},
};

// Whether `value` is one of `types`. An integer is any number with a zero fractional part.
bool has_type(const json& value, unsigned types) {
  switch (value.type()) {
    case json::value_t::null: return (types & kNull) != 0;
    case json::value_t::boolean: return (types & kBoolean) != 0;
    case json::value_t::object: return (types & kObject) != 0;
    case json::value_t::array: return (types & kArray) != 0;
    case json::value_t::string: return (types & kString) != 0;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return (types & (kNumber | kInteger)) != 0;
    case json::value_t::number_float: {
      if ((types & kNumber) != 0) return true;
      const double d = value.get<double>();
      return (types & kInteger) != 0 && std::isfinite(d) && d == std::trunc(d);
    }
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers: compared exactly when both are integers of up to 64 bits, or one is and one is not.

template <typename T>
int three_way(T a, T b) {
  return (a > b) - (a < b);
}

constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;

int compare_signed_unsigned(std::int64_t a, std::uint64_t b) {
  if (a < 0) return -1;
  return three_way(static_cast<std::uint64_t>(a), b);
}

int compare_signed_double(std::int64_t a, double b) {
  if (std::isnan(b)) return 0;  // never from parsed JSON
  if (b >= kTwoTo63) return -1;
  if (b < -kTwoTo63) return 1;
  const double whole = std::trunc(b);
  if (const int c = three_way(a, static_cast<std::int64_t>(whole)); c != 0) return c;
  return three_way(whole, b);  // same whole part: the fraction decides
}

int compare_unsigned_double(std::uint64_t a, double b) {
  if (std::isnan(b)) return 0;
  if (b < 0) return 1;
  if (b >= kTwoTo64) return -1;
  const double whole = std::trunc(b);
  if (const int c = three_way(a, static_cast<std::uint64_t>(whole)); c != 0) return c;
  return three_way(whole, b);
}

// -1, 0 or 1 as the integer `a` is less than, equal to or greater than the double `b`.
int compare_integer_double(const json& a, double b) {
  if (a.is_number_unsigned()) return compare_unsigned_double(a.get<std::uint64_t>(), b);
  return compare_signed_double(a.get<std::int64_t>(), b);
}

// -1, 0 or 1 as the number `a` is less than, equal to or greater than the number `b`.
int compare_numbers(const json& a, const json& b) {
  const bool a_float = a.is_number_float();
  const bool b_float = b.is_number_float();
  if (a_float && b_float) return three_way(a.get<double>(), b.get<double>());
  if (a_float) return -compare_integer_double(b, a.get<double>());
  if (b_float) return compare_integer_double(a, b.get<double>());
  const bool a_unsigned = a.is_number_unsigned();
  const bool b_unsigned = b.is_number_unsigned();
  if (a_unsigned && b_unsigned) return three_way(a.get<std::uint64_t>(), b.get<std::uint64_t>());
  if (a_unsigned) return -compare_signed_unsigned(b.get<std::int64_t>(), a.get<std::uint64_t>());
  if (b_unsigned) return compare_signed_unsigned(a.get<std::int64_t>(), b.get<std::uint64_t>());
  return three_way(a.get<std::int64_t>(), b.get<std::int64_t>());
}

// Whether `value` is a multiple of the positive `divisor`: exactly for two integers, otherwise
// within a small tolerance on the quotient, so that 0.0075 is a multiple of 0.0001 although
// neither has an exact binary form.
bool is_multiple_of(const json& value, const json& divisor) {
  if (value.is_number_integer() && divisor.is_number_integer()) {
    std::uint64_t magnitude = 0;
    if (value.is_number_unsigned()) {
      magnitude = value.get<std::uint64_t>();
    } else {
      const std::int64_t v = value.get<std::int64_t>();
      magnitude = v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
    }
    return magnitude % divisor.get<std::uint64_t>() == 0;
  }
  const double quotient = value.get<double>() / divisor.get<double>();
  if (!std::isfinite(quotient)) return false;
  return std::abs(quotient - std::round(quotient)) < 1e-9;
}

// ---------------------------------------------------------------------------------------------
// Strings: UTF-8 in, code points counted and matched.

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u;
}

std::size_t count_code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation_byte(c); }));
}

// Decodes UTF-8 into code points; a malformed sequence becomes U+FFFD.
std::wstring to_code_points(std::string_view text) {
  std::wstring out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    char32_t cp = lead;
    if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      cp = lead & 0x07u;
    } else if (lead >= 0xE0) {
      length = 3;
      cp = lead & 0x0Fu;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      cp = lead & 0x1Fu;
    } else if (lead >= 0x80) {
      length = 0;  // a stray continuation byte, or a lead byte UTF-8 never uses
    }
    bool ok = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      ok = is_continuation_byte(text[i + k]);
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    }
    if (ok) {
      out.push_back(static_cast<wchar_t>(cp));
      i += length;
    } else {
      out.push_back(static_cast<wchar_t>(0xFFFD));
      ++i;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formats

// Reads a fixed-shape text left to right.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  // Reads exactly `digits` ASCII digits holding a number in [min, max].
  bool number(std::size_t digits, int min, int max, int* out = nullptr) {
    if (text_.size() - pos_ < digits) return false;
    int value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value < min || value > max) return false;
    pos_ += digits;
    if (out != nullptr) *out = value;
    return true;
  }
  // Reads one character if it is one of `chars`.
  bool one_of(std::string_view chars) {
    if (pos_ >= text_.size() || chars.find(text_[pos_]) == std::string_view::npos) return false;
    ++pos_;
    return true;
  }
  bool digits() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9')
      ++pos_;
    return pos_ > start;
  }
  bool at_end() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// YYYY-MM-DD, a day that exists in the Gregorian calendar.
bool read_date(Cursor& in) {
  int year = 0;
  int month = 0;
  int day = 0;
  return in.number(4, 0, 9999, &year) && in.one_of("-") && in.number(2, 1, 12, &month) &&
         in.one_of("-") && in.number(2, 1, 31, &day) && day <= days_in_month(year, month);
}

// HH:MM, then :SS (required when `seconds_required`) with an optional fraction.
bool read_time_of_day(Cursor& in, bool seconds_required) {
  if (!(in.number(2, 0, 23) && in.one_of(":") && in.number(2, 0, 59))) return false;
  if (!in.one_of(":")) return !seconds_required;
  if (!in.number(2, 0, 59)) return false;
  return !in.one_of(".") || in.digits();
}

// Z, or +HH:MM / -HH:MM.
bool read_offset(Cursor& in) {
  if (in.one_of("Zz")) return true;
  return in.one_of("+-") && in.number(2, 0, 23) && in.one_of(":") && in.number(2, 0, 59);
}

bool is_date(std::string_view text) {
  Cursor in(text);
  return read_date(in) && in.at_end();
}

bool is_date_time(std::string_view text) {
  Cursor in(text);
  return read_date(in) && in.one_of("Tt") && read_time_of_day(in, true) && read_offset(in) &&
         in.at_end();
}

bool is_time(std::string_view text) {
  Cursor in(text);
  if (!read_time_of_day(in, false)) return false;
  return in.at_end() || (read_offset(in) && in.at_end());
}

bool has_format(Format format, std::string_view text) {
  switch (format) {
    case Format::date: return is_date(text);
    case Format::date_time: return is_date_time(text);
    case Format::time: return is_time(text);
    case Format::none: return true;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Messages

// A schema value as a message shows it: a string bare, anything else as JSON.
std::string describe(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string plural(std::size_t count, std::string_view noun) {
  std::string out = std::to_string(count) + " " + std::string(noun);
  if (count != 1) out += 's';
  return out;
}

// "a, b or c"
std::string join_alternatives(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

constexpr std::string_view kNotAllowed = "is not allowed";
constexpr std::string_view kUnknownField = "is not allowed (unknown field)";
constexpr std::string_view kRequired = "is required";
constexpr std::string_view kNestedTooDeeply = "is nested too deeply";
constexpr std::string_view kNotUnique = "must not contain duplicate items";
constexpr std::string_view kNoAlternative = "must match at least one of the allowed forms";
constexpr std::string_view kNotExactlyOne = "must match exactly one of the allowed forms";
constexpr std::string_view kExcluded = "must not match the excluded form";

// ---------------------------------------------------------------------------------------------
// Compiling

bool is_annotation(std::string_view key) {
  constexpr std::string_view kAnnotations[] = {
      "title",   "description", "examples", "default",   "$schema",    "$id",
      "$anchor", "$comment",    "readOnly", "writeOnly", "deprecated",
  };
  return key.starts_with("x-") ||
         std::find(std::begin(kAnnotations), std::end(kAnnotations), key) != std::end(kAnnotations);
}

// "http(s)://json-schema.org/draft-04/schema#", -06 or -07, with or without the "#".
bool is_draft7_uri(std::string_view uri) {
  if (uri.ends_with("#")) uri.remove_suffix(1);
  if (uri.starts_with("https://")) {
    uri.remove_prefix(8);
  } else if (uri.starts_with("http://")) {
    uri.remove_prefix(7);
  } else {
    return false;
  }
  return uri == "json-schema.org/draft-04/schema" || uri == "json-schema.org/draft-06/schema" ||
         uri == "json-schema.org/draft-07/schema";
}

bool uses_draft7(const json& schema, JsonSchema::Dialect dialect) {
  switch (dialect) {
    case JsonSchema::Dialect::draft7: return true;
    case JsonSchema::Dialect::draft2020_12: return false;
    case JsonSchema::Dialect::automatic: break;
  }
  if (!schema.is_object()) return false;
  const auto it = schema.find("$schema");
  return it != schema.end() && it->is_string() && is_draft7_uri(it->get_ref<const std::string&>());
}

// One reference token of a JSON pointer, escaped (~0 for ~, ~1 for /).
std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child_location(const std::string& location, std::string_view token) {
  return location + "/" + escape_pointer_token(token);
}

// The location a "$ref" of the form "#/a/b" names, written as the compiler files subschemas
// ("#/a/b" with ~ escapes and no % escapes), or nullopt when it is not such a pointer.
std::optional<std::string> ref_location(std::string_view ref) {
  if (!ref.starts_with("#")) return std::nullopt;
  std::string pointer;  // the fragment with %xx decoded (RFC 6901 section 6)
  for (std::size_t i = 1; i < ref.size(); ++i) {
    if (ref[i] != '%') {
      pointer += ref[i];
      continue;
    }
    if (i + 2 >= ref.size()) return std::nullopt;
    const int high = hex_digit_value(ref[i + 1]);
    const int low = hex_digit_value(ref[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    pointer += static_cast<char>(high * 16 + low);
    i += 2;
  }
  if (pointer.empty()) return "#";
  if (pointer[0] != '/') return std::nullopt;  // "#name": a plain-name fragment, not a pointer
  std::string location = "#";
  std::size_t start = 1;
  while (true) {
    const std::size_t end = std::min(pointer.find('/', start), pointer.size());
    std::string token;
    for (std::size_t i = start; i < end; ++i) {
      if (pointer[i] != '~') {
        token += pointer[i];
      } else if (i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        token += pointer[++i] == '0' ? '~' : '/';
      } else {
        return std::nullopt;
      }
    }
    location = child_location(location, token);
    if (end == pointer.size()) return location;
    start = end + 1;
  }
}

// Finds what std::regex would accept but the header rules out: back-references and \p{..}.
std::optional<std::string> unsupported_regex_feature(std::string_view pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[++i];
      if (next == 'p' || next == 'P') return "Unicode property escapes (\\p)";
      const bool named = next == 'k' && i + 1 < pattern.size() && pattern[i + 1] == '<';
      if (!in_class && ((next >= '1' && next <= '9') || named)) return "back-references";
    } else if (c == '[') {
      in_class = true;
    } else if (c == ']') {
      in_class = false;
    }
  }
  return std::nullopt;
}

// Turns a schema document into nodes. Throws std::invalid_argument on anything it cannot honour.
class Compiler {
 public:
  Compiler(JsonSchema::Compiled& out, bool draft7) : out_(out), draft7_(draft7) {}

  // Compiles the subschema found at `location`, `depth` subschemas below the root.
  Node& compile(const json& schema, const std::string& location, std::size_t depth);
  // Points every $ref at its node, once every subschema has been compiled.
  void resolve_refs();
  // Refuses a cycle of subschemas that apply to the same value ({"$ref": "#"}): validating it
  // would never end.
  void reject_cycles() const;

 private:
  struct PendingRef {
    Node* node;
    std::string ref;
  };

  [[noreturn]] static void fail(const std::string& problem, const std::string& location) {
    throw std::invalid_argument(problem + " at " + location);
  }

  void add_keyword(Node& node, const std::string& key, const json& value,
                   const std::string& location, std::size_t depth);
  const Node* subschema(const json& value, const std::string& location, std::string_view key,
                        std::size_t depth) {
    return &compile(value, child_location(location, key), depth + 1);
  }
  std::vector<const Node*> schema_list(const json& value, const std::string& location,
                                       const std::string& key, std::size_t depth);
  std::map<std::string, const Node*, std::less<>> schema_map(const json& value,
                                                             const std::string& location,
                                                             const std::string& key,
                                                             std::size_t depth);
  static void set_types(Node& node, const json& value, const std::string& location);
  static CountRule count_rule(const json& value, const std::string& location,
                              const std::string& key, std::string message_prefix,
                              std::string_view noun);
  static NumberRule number_rule(const json& value, const std::string& location,
                                const std::string& key, std::string message_prefix);
  static void set_pattern(Node& node, const json& value, const std::string& location);
  static void set_format(Node& node, const json& value, const std::string& location);
  static void check_id(const json& value, const std::string& location, std::size_t depth);
  bool has_cycle_from(const Node& node, std::unordered_map<const Node*, int>& state) const;

  JsonSchema::Compiled& out_;
  bool draft7_;
  std::map<std::string, Node*, std::less<>> by_location_;
  std::vector<PendingRef> pending_refs_;
};

Node& Compiler::compile(const json& schema, const std::string& location, std::size_t depth) {
  if (depth > kMaxDepth) fail("subschemas nested too deeply", location);
  Node& node = out_.nodes.emplace_back();
  node.location = location;
  by_location_.emplace(location, &node);
  if (schema.is_boolean()) {
    node.boolean = schema.get<bool>();
    return node;
  }
  if (!schema.is_object()) fail("a schema must be an object or a boolean", location);

  // Under draft 7 a $ref overrides its siblings. They are still compiled, into a node that is
  // never applied: a misspelt keyword is still refused, and a $ref may point into them.
  const auto ref = schema.find("$ref");
  Node* siblings = &node;
  if (ref != schema.end() && draft7_) {
    siblings = &out_.nodes.emplace_back();
    siblings->location = location;
  }
  for (const auto& [key, value] : schema.items()) {
    if (key == "$ref") {
      if (!value.is_string()) fail("\"$ref\" must be a string", location);
      pending_refs_.push_back({&node, value.get<std::string>()});
    } else {
      add_keyword(*siblings, key, value, location, depth);
    }
  }
  return node;
}

void Compiler::add_keyword(Node& node, const std::string& key, const json& value,
                           const std::string& location, std::size_t depth) {
  if (key == "type") {
    set_types(node, value, location);
  } else if (key == "enum") {
    if (!value.is_array()) fail("\"enum\" must be an array", location);
    node.enum_values = value.get<std::vector<json>>();
    node.enum_message = "must be one of ";
    for (std::size_t i = 0; i < value.size(); ++i) {
      node.enum_message += (i > 0 ? ", " : "") + describe(value[i]);
    }
  } else if (key == "const") {
    node.const_value = value;
    node.const_message = "must equal " + describe(value);
  } else if (key == "minLength") {
    node.min_length = count_rule(value, location, key, "must be at least ", "character");
  } else if (key == "maxLength") {
    node.max_length = count_rule(value, location, key, "must be at most ", "character");
  } else if (key == "pattern") {
    set_pattern(node, value, location);
  } else if (key == "format") {
    set_format(node, value, location);
  } else if (key == "minimum") {
    node.minimum = number_rule(value, location, key, "must be at least ");
  } else if (key == "maximum") {
    node.maximum = number_rule(value, location, key, "must be at most ");
  } else if (key == "exclusiveMinimum") {
    node.exclusive_minimum = number_rule(value, location, key, "must be greater than ");
  } else if (key == "exclusiveMaximum") {
    node.exclusive_maximum = number_rule(value, location, key, "must be less than ");
  } else if (key == "multipleOf") {
    node.multiple_of = number_rule(value, location, key, "must be a multiple of ");
    if (compare_numbers(value, json(0)) <= 0) fail("\"multipleOf\" must be positive", location);
  } else if (key == "minItems") {
    node.min_items = count_rule(value, location, key, "must have at least ", "item");
  } else if (key == "maxItems") {
    node.max_items = count_rule(value, location, key, "must have at most ", "item");
  } else if (key == "uniqueItems") {
    if (!value.is_boolean()) fail("\"uniqueItems\" must be a boolean", location);
    node.unique_items = value.get<bool>();
  } else if (key == "items") {
    if (value.is_array()) {
      fail("unsupported tuple form of \"items\" (an array of schemas)", location);
    }
    node.items = subschema(value, location, key, depth);
  } else if (key == "properties") {
    node.properties = schema_map(value, location, key, depth);
  } else if (key == "required") {
    if (!value.is_array()) fail("\"required\" must be an array of strings", location);
    for (const auto& name : value) {
      if (!name.is_string()) fail("\"required\" must be an array of strings", location);
      node.required.push_back(name.get<std::string>());
    }
    std::sort(node.required.begin(), node.required.end());
    node.required.erase(std::unique(node.required.begin(), node.required.end()),
                        node.required.end());
  } else if (key == "additionalProperties") {
    node.additional_properties = subschema(value, location, key, depth);
  } else if (key == "allOf") {
    node.all_of = schema_list(value, location, key, depth);
  } else if (key == "anyOf") {
    node.any_of = schema_list(value, location, key, depth);
  } else if (key == "oneOf") {
    node.one_of = schema_list(value, location, key, depth);
  } else if (key == "not") {
    node.not_ = subschema(value, location, key, depth);
  } else if (key == "if") {
    node.if_ = subschema(value, location, key, depth);
  } else if (key == "then") {
    node.then_ = subschema(value, location, key, depth);
  } else if (key == "else") {
    node.else_ = subschema(value, location, key, depth);
  } else if (key == "$defs" || key == "definitions") {
    schema_map(value, location, key, depth);  // compiled only to be $ref targets
  } else if (key == "$schema") {
    if (!value.is_string()) fail("\"$schema\" must be a string", location);
  } else if (key == "$id") {
    check_id(value, location, depth);
  } else if (!is_annotation(key)) {
    fail("unsupported keyword " + json(key).dump(-1, ' ', false, json::error_handler_t::replace),
         location);
  }
}

std::vector<const Node*> Compiler::schema_list(const json& value, const std::string& location,
                                               const std::string& key, std::size_t depth) {
  if (!value.is_array() || value.empty()) {
    fail("\"" + key + "\" must be a non-empty array of schemas", location);
  }
  const std::string list_location = child_location(location, key);
  std::vector<const Node*> nodes;
  for (std::size_t i = 0; i < value.size(); ++i) {
    nodes.push_back(
        &compile(value[i], child_location(list_location, std::to_string(i)), depth + 1));
  }
  return nodes;
}

std::map<std::string, const Node*, std::less<>> Compiler::schema_map(const json& value,
                                                                     const std::string& location,
                                                                     const std::string& key,
                                                                     std::size_t depth) {
  if (!value.is_object()) fail("\"" + key + "\" must be an object of schemas", location);
  const std::string map_location = child_location(location, key);
  std::map<std::string, const Node*, std::less<>> nodes;
  for (const auto& [name, schema] : value.items()) {
    nodes.emplace(name, &compile(schema, child_location(map_location, name), depth + 1));
  }
  return nodes;
}

void Compiler::set_types(Node& node, const json& value, const std::string& location) {
  const auto names = value.is_array() ? value : json::array({value});
  if (names.empty()) fail("\"type\" must name at least one type", location);
  std::vector<std::string> phrases;
  for (const auto& name : names) {
    const auto* type = name.is_string()
                           ? std::find_if(std::begin(kTypeNames), std::end(kTypeNames),
                                          [&](const TypeName& t) {
                                            return t.name == name.get_ref<const std::string&>();
                                          })
                           : std::end(kTypeNames);
    if (type == std::end(kTypeNames)) {
      fail(
          "\"type\" must be one of null, boolean, object, array, number, string, integer, or an "
          "array of them",
          location);
    }
    node.types |= type->bit;
    phrases.emplace_back(type->phrase);
  }
  node.type_message = "must be " + join_alternatives(phrases);
}

CountRule Compiler::count_rule(const json& value, const std::string& location,
                               const std::string& key, std::string message_prefix,
                               std::string_view noun) {
  if (!value.is_number() || compare_numbers(value, json(0)) < 0 || !has_type(value, kInteger) ||
      compare_numbers(value, json(kTwoTo63)) >= 0) {
    fail("\"" + key + "\" must be a non-negative integer", location);
  }
  const auto count = value.is_number_float() ? static_cast<std::size_t>(value.get<double>())
                                             : value.get<std::size_t>();
  return {count, std::move(message_prefix) + plural(count, noun)};
}

NumberRule Compiler::number_rule(const json& value, const std::string& location,
                                 const std::string& key, std::string message_prefix) {
  if (!value.is_number() || (value.is_number_float() && !std::isfinite(value.get<double>()))) {
    fail("\"" + key + "\" must be a number", location);
  }
  return {value, std::move(message_prefix) + describe(value)};
}

void Compiler::set_pattern(Node& node, const json& value, const std::string& location) {
  if (!value.is_string()) fail("\"pattern\" must be a string", location);
  const auto& pattern = value.get_ref<const std::string&>();
  const std::string shown = json(pattern).dump(-1, ' ', false, json::error_handler_t::replace);
  if (const auto feature = unsupported_regex_feature(pattern)) {
    fail("unsupported " + *feature + " in pattern " + shown, location);
  }
  try {
    node.pattern.emplace(to_code_points(pattern), std::regex_constants::ECMAScript);
  } catch (const std::regex_error& e) {
    fail("pattern " + shown + " is not a valid regular expression (" + e.what() + ")", location);
  }
  node.pattern_message = "must match the pattern " + pattern;
}

void Compiler::set_format(Node& node, const json& value, const std::string& location) {
  if (!value.is_string()) fail("\"format\" must be a string", location);
  const auto& name = value.get_ref<const std::string&>();
  if (name == "date") {
    node.format = Format::date;
    node.format_message = "is not a valid date (YYYY-MM-DD)";
  } else if (name == "date-time") {
    node.format = Format::date_time;
    node.format_message =
        "is not a valid date-time (YYYY-MM-DDTHH:MM:SS with Z or an offset such as +09:00)";
  } else if (name == "time") {
    node.format = Format::time;
    node.format_message = "is not a valid time (HH:MM or HH:MM:SS)";
  } else {
    fail("unsupported format " + json(name).dump(-1, ' ', false, json::error_handler_t::replace),
         location);
  }
}

void Compiler::check_id(const json& value, const std::string& location, std::size_t depth) {
  if (!value.is_string()) fail("\"$id\" must be a string", location);
  if (depth == 0) return;  // the document's own URI: every $ref stays inside the document anyway
  const auto& id = value.get_ref<const std::string&>();
  if (id.size() < 2 || id[0] != '#' || id.find('/') != std::string::npos) {
    fail(R"(unsupported "$id" that changes the base URI (only "#name" is allowed inside a schema))",
         location);
  }
}

void Compiler::resolve_refs() {
  for (const auto& [node, ref] : pending_refs_) {
    const std::string shown = json(ref).dump(-1, ' ', false, json::error_handler_t::replace);
    if (!ref.starts_with("#")) {
      fail("unsupported $ref " + shown + " that leaves the document", node->location);
    }
    const auto location = ref_location(ref);
    if (!location) {
      fail("unsupported $ref " + shown + R"( (only "#" and JSON pointers "#/..." are supported))",
           node->location);
    }
    const auto target = by_location_.find(*location);
    if (target == by_location_.end()) {
      fail("$ref " + shown + " points at no subschema", node->location);
    }
    node->ref = target->second;
  }
}

// The subschemas that apply to the same value as `node` (rather than to a member or item).
std::vector<const Node*> same_value_subschemas(const Node& node) {
  std::vector<const Node*> out;
  for (const Node* n : {node.ref, node.not_, node.if_, node.then_, node.else_}) {
    if (n != nullptr) out.push_back(n);
  }
  for (const auto* list : {&node.all_of, &node.any_of, &node.one_of}) {
    out.insert(out.end(), list->begin(), list->end());
  }
  return out;
}

// Depth-first search over same-value edges; `state` is 1 while a node is on the path, 2 after.
bool Compiler::has_cycle_from(const Node& node, std::unordered_map<const Node*, int>& state) const {
  int& s = state[&node];
  if (s == 1) return true;
  if (s == 2) return false;
  s = 1;
  for (const Node* next : same_value_subschemas(node)) {
    if (has_cycle_from(*next, state)) {
      if (node.ref == next) fail("$ref cycle that never descends into the instance", node.location);
      return true;
    }
  }
  state[&node] = 2;
  return false;
}

void Compiler::reject_cycles() const {
  std::unordered_map<const Node*, int> state;
  for (const Node& node : out_.nodes) {
    if (has_cycle_from(node, state)) {
      fail("$ref cycle that never descends into the instance", node.location);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Validating

// One step from a value to a member (`key` set, pointing into the instance or the schema) or to
// an item (`index`).
struct PathPart {
  const std::string* key = nullptr;
  std::size_t index = 0;
};

bool part_less(const PathPart& a, const PathPart& b) {
  if ((a.key == nullptr) != (b.key == nullptr)) return a.key == nullptr;
  if (a.key == nullptr) return a.index < b.index;
  return *a.key < *b.key;  // the order nlohmann::json keeps keys in
}

// Document order: a value before its members, members by key, items by index.
bool path_less(const std::vector<PathPart>& a, const std::vector<PathPart>& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), part_less);
}

// A key is written bare unless a reader could not tell where it ends.
bool needs_quoting(const std::string& key) {
  return key.empty() || std::any_of(key.begin(), key.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return u < 0x20 || u == 0x7F || c == '.' || c == '[' || c == ']' || c == '"' ||
                  c == '\\';
         });
}

std::string format_path(const std::vector<PathPart>& parts) {
  std::string out;
  for (const auto& part : parts) {
    if (part.key == nullptr) {
      out += "[" + std::to_string(part.index) + "]";
    } else if (needs_quoting(*part.key)) {
      out += "[" + json(*part.key).dump(-1, ' ', false, json::error_handler_t::replace) + "]";
    } else {
      if (!out.empty()) out += '.';
      out += *part.key;
    }
  }
  return out;
}

// Keeps the first `limit` errors in document order, however many are reported; errors at the
// same path keep the order they were reported in.
class ErrorList {
 public:
  explicit ErrorList(std::size_t limit) : limit_(limit) {}

  void add(const std::vector<PathPart>& path, std::string_view message, bool too_large) {
    const auto pos = std::upper_bound(
        kept_.begin(), kept_.end(), path,
        [](const std::vector<PathPart>& p, const Entry& e) { return path_less(p, e.path); });
    if (kept_.size() == limit_ && pos == kept_.end()) return;
    kept_.insert(pos, Entry{path, message, too_large});
    if (kept_.size() > limit_) kept_.pop_back();
  }

  std::vector<SchemaError> take() const {
    std::vector<SchemaError> out;
    out.reserve(kept_.size());
    for (const auto& e : kept_)
      out.push_back({format_path(e.path), std::string(e.message), e.too_large});
    return out;
  }

 private:
  struct Entry {
    std::vector<PathPart> path;
    std::string_view message;  // into the compiled schema, or one of the constants above
    bool too_large;
  };
  std::size_t limit_;
  std::vector<Entry> kept_;
};

// How many levels of arrays and objects `value` holds (0 for a scalar), counted up to `limit` + 1.
std::size_t nesting(const json& value, std::size_t limit) {
  if (!value.is_structured()) return 0;
  if (limit == 0) return 1;
  std::size_t deepest = 0;
  for (const auto& member : value) {
    deepest = std::max(deepest, nesting(member, limit - 1));
    if (deepest >= limit) break;
  }
  return deepest + 1;
}

// Walks an instance and a compiled schema together. Reports errors to `errors`, or only answers
// whether the instance matches when `errors` is null.
class Walker {
 public:
  explicit Walker(ErrorList* errors) : errors_(errors) {}

  // Whether `value` matches `node`; `depth` is how many arrays and objects enclose `value`.
  bool check(const Node& node, const json& value, std::size_t depth);

 private:
  bool collecting() const { return errors_ != nullptr && !quiet_; }
  // Reports an error about the current value; returns false, for `return fail(...)`.
  bool fail(std::string_view message, bool too_large = false) {
    if (collecting()) errors_->add(path_, message, too_large);
    return false;
  }
  // Whether `value` matches `node`, reporting nothing (for anyOf, oneOf, not and if).
  bool test(const Node& node, const json& value, std::size_t depth) {
    const bool was_quiet = quiet_;
    quiet_ = true;
    const bool matched = check(node, value, depth);
    quiet_ = was_quiet;
    return matched;
  }
  bool check_member(const Node& node, const std::string& key, const json& value,
                    std::size_t depth) {
    path_.push_back({&key, 0});
    const bool ok = check(node, value, depth);
    path_.pop_back();
    return ok;
  }

  bool check_values(const Node& node, const json& value);
  bool check_string(const Node& node, const std::string& text);
  bool check_number(const Node& node, const json& value);
  bool check_array(const Node& node, const json& array, std::size_t depth);
  bool check_object(const Node& node, const json& object, std::size_t depth);
  bool check_subschemas(const Node& node, const json& value, std::size_t depth);
  bool has_unique_items(const json& array, std::size_t depth);

  ErrorList* errors_;
  bool quiet_ = false;
  std::vector<PathPart> path_;
};

bool Walker::check(const Node& node, const json& value, std::size_t depth) {
  if (node.boolean) return *node.boolean || fail(kNotAllowed);
  if (value.is_structured() && depth >= kMaxDepth) return fail(kNestedTooDeeply);
  if (node.types != 0 && !has_type(value, node.types)) return fail(node.type_message);

  // The groups of checks in the order the header promises; unless collecting every error, the
  // walk stops at the first group that fails.
  bool ok = true;
  const auto go_on = [&](bool passed) {
    ok = ok && passed;
    return ok || collecting();
  };
  if (!go_on(check_values(node, value))) return false;
  if (value.is_string() && !go_on(check_string(node, value.get_ref<const std::string&>()))) {
    return false;
  }
  if (value.is_number() && !go_on(check_number(node, value))) return false;
  if (value.is_array() && !go_on(check_array(node, value, depth))) return false;
  if (value.is_object() && !go_on(check_object(node, value, depth))) return false;
  go_on(check_subschemas(node, value, depth));
  return ok;
}

bool Walker::check_values(const Node& node, const json& value) {
  bool ok = true;
  if (node.enum_values && std::find(node.enum_values->begin(), node.enum_values->end(), value) ==
                              node.enum_values->end()) {
    ok = fail(node.enum_message);
  }
  if (node.const_value && value != *node.const_value) ok = fail(node.const_message);
  return ok;
}

bool Walker::check_string(const Node& node, const std::string& text) {
  const std::size_t length = count_code_points(text);
  bool ok = true;
  if (node.min_length && length < node.min_length->value) ok = fail(node.min_length->message);
  if (node.max_length && length > node.max_length->value) {
    ok = fail(node.max_length->message, true);
  }
  if (!ok) return false;  // a string of the wrong length is not also checked for its content
  if (node.pattern) {
    bool matched = false;
    try {
      matched = std::regex_search(to_code_points(text), *node.pattern);
    } catch (const std::regex_error&) {
      matched = false;  // too complex for std::regex on this input: treated as no match
    }
    if (!matched) ok = fail(node.pattern_message);
  }
  if (node.format != Format::none && !has_format(node.format, text)) {
    ok = fail(node.format_message);
  }
  return ok;
}

bool Walker::check_number(const Node& node, const json& value) {
  bool ok = true;
  if (node.minimum && compare_numbers(value, node.minimum->value) < 0) {
    ok = fail(node.minimum->message);
  }
  if (node.maximum && compare_numbers(value, node.maximum->value) > 0) {
    ok = fail(node.maximum->message);
  }
  if (node.exclusive_minimum && compare_numbers(value, node.exclusive_minimum->value) <= 0) {
    ok = fail(node.exclusive_minimum->message);
  }
  if (node.exclusive_maximum && compare_numbers(value, node.exclusive_maximum->value) >= 0) {
    ok = fail(node.exclusive_maximum->message);
  }
  if (node.multiple_of && !is_multiple_of(value, node.multiple_of->value)) {
    ok = fail(node.multiple_of->message);
  }
  return ok;
}

bool Walker::check_array(const Node& node, const json& array, std::size_t depth) {
  bool ok = true;
  if (node.min_items && array.size() < node.min_items->value) ok = fail(node.min_items->message);
  // Over maxItems, the items are not looked at: that bounds the work a huge array can cause.
  if (node.max_items && array.size() > node.max_items->value) {
    return fail(node.max_items->message, true);
  }
  if (node.unique_items && !has_unique_items(array, depth)) {
    ok = false;
    if (!collecting()) return false;
  }
  if (node.items == nullptr) return ok;
  for (std::size_t i = 0; i < array.size(); ++i) {
    path_.push_back({nullptr, i});
    ok = check(*node.items, array[i], depth + 1) && ok;
    path_.pop_back();
    if (!ok && !collecting()) return false;
  }
  return ok;
}

// Compares the items pairwise (the header's maxItems bounds the work). An item nested deeper than
// the walk may follow is an error here too: comparing it would follow it.
bool Walker::has_unique_items(const json& array, std::size_t depth) {
  const std::size_t room = kMaxDepth - depth - 1;  // levels an item may hold
  for (const auto& item : array) {
    if (nesting(item, room) > room) return fail(kNestedTooDeeply);
  }
  for (std::size_t i = 0; i < array.size(); ++i) {
    for (std::size_t j = i + 1; j < array.size(); ++j) {
      if (array[i] == array[j]) return fail(kNotUnique);
    }
  }
  return true;
}

bool Walker::check_object(const Node& node, const json& object, std::size_t depth) {
  bool ok = true;
  for (const auto& name : node.required) {
    if (object.contains(name)) continue;
    path_.push_back({&name, 0});
    ok = fail(kRequired);
    path_.pop_back();
    if (!collecting()) return false;
  }
  if (node.properties.empty() && node.additional_properties == nullptr) return ok;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    const auto property = node.properties.find(key);
    if (property != node.properties.end()) {
      ok = check_member(*property->second, key, it.value(), depth + 1) && ok;
    } else if (node.additional_properties == nullptr) {
      continue;
    } else if (node.additional_properties->boolean == std::optional<bool>(false)) {
      path_.push_back({&key, 0});
      ok = fail(kUnknownField);
      path_.pop_back();
    } else {
      ok = check_member(*node.additional_properties, key, it.value(), depth + 1) && ok;
    }
    if (!ok && !collecting()) return false;
  }
  return ok;
}

bool Walker::check_subschemas(const Node& node, const json& value, std::size_t depth) {
  bool ok = true;
  const auto go_on = [&](bool passed) {
    ok = ok && passed;
    return ok || collecting();
  };
  if (node.ref != nullptr && !go_on(check(*node.ref, value, depth))) return false;
  for (const Node* sub : node.all_of) {
    if (!go_on(check(*sub, value, depth))) return false;
  }
  if (!node.any_of.empty()) {
    const bool any = std::any_of(node.any_of.begin(), node.any_of.end(),
                                 [&](const Node* sub) { return test(*sub, value, depth); });
    if (!go_on(any || fail(kNoAlternative))) return false;
  }
  if (!node.one_of.empty()) {
    int matched = 0;
    for (const Node* sub : node.one_of) {
      if (test(*sub, value, depth) && ++matched > 1) break;
    }
    if (!go_on(matched == 1 || fail(kNotExactlyOne))) return false;
  }
  if (node.not_ != nullptr && !go_on(!test(*node.not_, value, depth) || fail(kExcluded))) {
    return false;
  }
  if (node.if_ != nullptr && (node.then_ != nullptr || node.else_ != nullptr)) {
    const Node* branch = test(*node.if_, value, depth) ? node.then_ : node.else_;
    if (branch != nullptr && !go_on(check(*branch, value, depth))) return false;
  }
  return ok;
}

}  // namespace

JsonSchema::JsonSchema(const json& schema, Dialect dialect) {
  auto compiled = std::make_shared<Compiled>();
  Compiler compiler(*compiled, uses_draft7(schema, dialect));
  compiled->root = &compiler.compile(schema, "#", 0);
  compiler.resolve_refs();
  compiler.reject_cycles();
  compiled_ = std::move(compiled);
}

std::optional<SchemaError> JsonSchema::validate(const json& instance) const {
  auto errors = validate_all(instance, 1);
  if (errors.empty()) return std::nullopt;
  return std::move(errors.front());
}

std::vector<SchemaError> JsonSchema::validate_all(const json& instance,
                                                  std::size_t max_errors) const {
  if (max_errors == 0) return {};
  ErrorList errors(max_errors);
  Walker(&errors).check(*compiled_->root, instance, 0);
  return errors.take();
}

bool JsonSchema::matches(const json& instance) const {
  return Walker(nullptr).check(*compiled_->root, instance, 0);
}

}  // namespace musubi::protocol
