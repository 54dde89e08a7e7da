#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "server/websocket/utf8.hpp"

namespace musubi::server::websocket {
namespace {

std::string bytes(std::initializer_list<unsigned char> list) {
  return std::string(list.begin(), list.end());
}

// The definition, decoded the slow way: one well-formed scalar value after another.
bool reference_valid(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code_point = lead;
    if (lead >= 0xf0 && lead < 0xf8) {
      extra = 3;
      code_point = lead & 0x07u;
    } else if (lead >= 0xe0 && lead < 0xf0) {
      extra = 2;
      code_point = lead & 0x0fu;
    } else if (lead >= 0xc0 && lead < 0xe0) {
      extra = 1;
      code_point = lead & 0x1fu;
    } else if (lead >= 0x80) {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3fu);
    }
    const std::uint32_t shortest[] = {0, 0x80, 0x800, 0x10000};
    if (code_point < shortest[extra] || code_point > 0x10ffff) return false;
    if (code_point >= 0xd800 && code_point <= 0xdfff) return false;
    i += extra + 1;
  }
  return true;
}

TEST(WebSocketUtf8, AcceptsAsciiAndTheEmptyString) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("a"));
  EXPECT_TRUE(valid_utf8(R"({"op":"message.post","room":"kashiwa-vn","body":"ok"})"));
  EXPECT_TRUE(valid_utf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(valid_utf8(bytes({0x7f})));
}

TEST(WebSocketUtf8, AcceptsMultiByteCharactersOfEveryLength) {
  EXPECT_TRUE(valid_utf8("é"));                     // 2 bytes
  EXPECT_TRUE(valid_utf8("訪問看護ステーション"));  // 3 bytes
  EXPECT_TRUE(valid_utf8("𝄞 and 😀"));               // 4 bytes
  EXPECT_TRUE(valid_utf8("mixed ascii, é, 柏市 and 𝄞"));
  EXPECT_TRUE(valid_utf8(bytes({0xc2, 0x80})));              // U+0080
  EXPECT_TRUE(valid_utf8(bytes({0xdf, 0xbf})));              // U+07FF
  EXPECT_TRUE(valid_utf8(bytes({0xe0, 0xa0, 0x80})));        // U+0800
  EXPECT_TRUE(valid_utf8(bytes({0xed, 0x9f, 0xbf})));        // U+D7FF, just below the surrogates
  EXPECT_TRUE(valid_utf8(bytes({0xee, 0x80, 0x80})));        // U+E000, just above them
  EXPECT_TRUE(valid_utf8(bytes({0xef, 0xbf, 0xbf})));        // U+FFFF
  EXPECT_TRUE(valid_utf8(bytes({0xf0, 0x90, 0x80, 0x80})));  // U+10000
  EXPECT_TRUE(valid_utf8(bytes({0xf4, 0x8f, 0xbf, 0xbf})));  // U+10FFFF
}

TEST(WebSocketUtf8, RefusesOverlongForms) {
  EXPECT_FALSE(valid_utf8(bytes({0xc0, 0x80})));
  EXPECT_FALSE(valid_utf8(bytes({0xc1, 0xbf})));
  EXPECT_FALSE(valid_utf8(bytes({0xe0, 0x80, 0x80})));
  EXPECT_FALSE(valid_utf8(bytes({0xe0, 0x9f, 0xbf})));
  EXPECT_FALSE(valid_utf8(bytes({0xf0, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(valid_utf8(bytes({0xf0, 0x8f, 0xbf, 0xbf})));
}

TEST(WebSocketUtf8, RefusesSurrogates) {
  EXPECT_FALSE(valid_utf8(bytes({0xed, 0xa0, 0x80})));  // U+D800
  EXPECT_FALSE(valid_utf8(bytes({0xed, 0xbf, 0xbf})));  // U+DFFF
  EXPECT_FALSE(valid_utf8("ok" + bytes({0xed, 0xb0, 0x80}) + "ok"));
}

TEST(WebSocketUtf8, RefusesWhatLiesPastU10FFFF) {
  EXPECT_FALSE(valid_utf8(bytes({0xf4, 0x90, 0x80, 0x80})));
  for (int lead = 0xf5; lead <= 0xff; ++lead) {
    EXPECT_FALSE(valid_utf8(bytes({static_cast<unsigned char>(lead), 0x80, 0x80, 0x80}))) << lead;
  }
}

TEST(WebSocketUtf8, RefusesTruncatedSequencesAndStrayContinuations) {
  EXPECT_FALSE(valid_utf8(bytes({0xc3})));
  EXPECT_FALSE(valid_utf8("abc" + bytes({0xe7, 0xb5})));
  EXPECT_FALSE(valid_utf8(bytes({0xf0, 0x9f, 0x98})));
  EXPECT_FALSE(valid_utf8(bytes({0xe7, 0xb5}) + "abc"));  // cut short, then ASCII
  EXPECT_FALSE(valid_utf8(bytes({0x80})));
  EXPECT_FALSE(valid_utf8("abcdefgh" + bytes({0xbf})));
  EXPECT_FALSE(valid_utf8("é" + bytes({0xa9})));
}

// The eight-bytes-at-a-time path must not skip a bad byte wherever it falls.
TEST(WebSocketUtf8, ChecksEveryPositionAroundTheAsciiFastPath) {
  for (std::size_t at = 0; at < 24; ++at) {
    std::string text(32, 'a');
    text[at] = static_cast<char>(0x80);
    EXPECT_FALSE(valid_utf8(text)) << at;
    text.replace(at, 1, "é");
    EXPECT_TRUE(valid_utf8(text)) << at;
    text.replace(at, 2, bytes({0xed, 0xa0, 0x80}));
    EXPECT_FALSE(valid_utf8(text)) << at;
  }
}

TEST(WebSocketUtf8, AgreesWithTheDefinitionOnAllShortSequences) {
  std::string text;
  for (int a = 0; a < 256; ++a) {
    text.assign(1, static_cast<char>(a));
    ASSERT_EQ(valid_utf8(text), reference_valid(text)) << a;
    for (int b = 0; b < 256; ++b) {
      text.assign({static_cast<char>(a), static_cast<char>(b)});
      ASSERT_EQ(valid_utf8(text), reference_valid(text)) << a << ' ' << b;
    }
  }
  // Three bytes in full for the three-byte leads; the rest of four-byte forms by their edges.
  const unsigned char edges[] = {0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xff};
  for (int a = 0xe0; a < 0xf8; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        text.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        ASSERT_EQ(valid_utf8(text), reference_valid(text)) << a << ' ' << b << ' ' << c;
        if (a < 0xf0 || (c != 0x80 && c != 0xbf && c != 0xc0)) continue;
        for (const unsigned char d : edges) {
          text += static_cast<char>(d);
          ASSERT_EQ(valid_utf8(text), reference_valid(text)) << a << ' ' << b << ' ' << c;
          text.pop_back();
        }
      }
    }
  }
}

}  // namespace
}  // namespace musubi::server::websocket
