#include "protocol/plain_post.hpp"

#include <cstdint>
#include <string>

#include "protocol/envelope.hpp"
#include "protocol/field_reader.hpp"
#include "protocol/hex_digit.hpp"

namespace musubi::protocol {

namespace {

constexpr std::size_t kPlainDepth = 2;    // the envelope and its body
constexpr std::size_t kMaxIdDigits = 18;  // below 2^63 whatever the digits

// JSON (RFC 8259) read forward from the start of a text, as far as the plain shape needs.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  // Takes `c` after any whitespace.
  bool take(char c) {
    skip_space();
    if (pos_ == text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool next_is(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool at_end() {
    skip_space();
    return pos_ == text_.size();
  }

  // A string, unescaped into `out`: false unless it is valid JSON and valid UTF-8.
  bool string(std::string& out) {
    if (!take('"')) return false;
    out.clear();
    for (;;) {
      const std::size_t run = pos_;
      while (pos_ < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[pos_]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++pos_;
      }
      if (pos_ == text_.size()) return false;
      out.append(text_.substr(run, pos_ - run));
      const char c = text_[pos_++];
      if (c == '"') return is_valid_utf8(out);
      if (c != '\\' || pos_ == text_.size()) return false;  // a raw control character
      switch (text_[pos_++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
          if (!unicode_escape(out)) return false;
          break;
        default: return false;
      }
    }
  }

  // A non-negative integer of at most kMaxIdDigits digits; false for anything else.
  bool small_unsigned(std::uint64_t& out) {
    skip_space();
    const std::size_t start = pos_;
    out = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      out = out * 10 + static_cast<std::uint64_t>(text_[pos_] - '0');
      ++pos_;
    }
    const std::size_t digits = pos_ - start;
    if (digits == 0 || digits > kMaxIdDigits) return false;
    if (digits > 1 && text_[start] == '0') return false;  // not JSON
    // A fraction or an exponent makes it a float: not this reader's.
    return pos_ == text_.size() || (text_[pos_] != '.' && text_[pos_] != 'e' && text_[pos_] != 'E');
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool hex4(std::uint32_t& out) {
    if (text_.size() - pos_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_digit_value(text_[pos_++]);
      if (digit < 0) return false;
      out = (out << 4) | static_cast<std::uint32_t>(digit);
    }
    return true;
  }

  // After "\u": one code point, or a surrogate pair, appended as UTF-8. A lone surrogate is not
  // JSON text a parser accepts.
  bool unicode_escape(std::string& out) {
    std::uint32_t cp = 0;
    if (!hex4(cp) || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low = 0;
      if (text_.substr(pos_, 2) != "\\u") return false;
      pos_ += 2;
      if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

bool within(const std::string& s, std::size_t min_chars, std::size_t max_chars) {
  const std::size_t length = utf8_length(s);
  return length >= min_chars && length <= max_chars;
}

// The request's id as decode_request accepts it: a string of 1 to 64 bytes, or a non-negative
// integer.
bool read_id(Reader& in, nlohmann::json& id) {
  if (in.next_is('"')) {
    std::string s;
    if (!in.string(s) || s.empty() || s.size() > kMaxRequestIdLength) return false;
    id = std::move(s);
    return true;
  }
  std::uint64_t n = 0;
  if (!in.small_unsigned(n)) return false;
  id = n;
  return true;
}

bool read_body(Reader& in, const BodyLimits& limits, PostMessage& out) {
  if (!in.take('{')) return false;
  bool room = false;
  bool text = false;
  bool nonce = false;
  std::string key;
  do {
    if (!in.string(key) || !in.take(':')) return false;
    if (key == "room" && !room) {
      room = true;
      if (!in.string(out.room) || !within(out.room, 1, kMaxIdChars)) return false;
    } else if (key == "text" && !text) {
      text = true;
      if (!in.string(out.text) || !within(out.text, 1, limits.max_text_chars)) return false;
    } else if (key == "nonce" && !nonce) {
      nonce = true;
      if (!in.string(out.nonce.emplace()) || !within(*out.nonce, 1, kMaxIdChars)) return false;
    } else {
      return false;
    }
  } while (in.take(','));
  return in.take('}') && room && text;
}

}  // namespace

std::optional<PlainPost> read_plain_post(std::string_view text, const BodyLimits& limits,
                                         std::size_t max_depth) {
  if (max_depth < kPlainDepth) return std::nullopt;
  Reader in(text);
  if (!in.take('{')) return std::nullopt;
  PlainPost post;
  bool has_id = false;
  bool has_op = false;
  bool has_body = false;
  std::string key;
  std::string name;
  do {
    if (!in.string(key) || !in.take(':')) return std::nullopt;
    if (key == "id" && !has_id) {
      has_id = true;
      if (!read_id(in, post.id)) return std::nullopt;
    } else if (key == "op" && !has_op) {
      has_op = true;
      if (!in.string(name) || name != op::post) return std::nullopt;
    } else if (key == "body" && !has_body) {
      has_body = true;
      if (!read_body(in, limits, post.body)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  } while (in.take(','));
  if (!in.take('}') || !in.at_end() || !has_id || !has_op || !has_body) return std::nullopt;
  return post;
}

}  // namespace musubi::protocol
