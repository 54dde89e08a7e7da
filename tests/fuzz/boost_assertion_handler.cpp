// Boost's assertions in the fuzz targets (BOOST_ENABLE_ASSERT_HANDLER): each one found is a crash
// for libFuzzer, except the one Beast 1.81 gets wrong.
//
// basic_parser::parse_chunk_header asserts that a final chunk seen again after need_more has at
// least 5 bytes, counting the CRLF that ends a previous chunk; a body whose first chunk is the
// last one ("0\r\n", then the trailer split across reads) has only 3. The code after the
// assertion handles it correctly; the assertion was fixed in Beast after 1.81
// (https://github.com/boostorg/beast/pull/2861). Release builds of the server do not compile it.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace boost {

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file,
                          long line) {
  if (std::string_view(expr) == "n >= 5" &&
      std::string_view(file).ends_with("boost/beast/http/impl/basic_parser.ipp")) {
    return;
  }
  std::fprintf(stderr, "%s:%ld: %s: Boost assertion `%s' failed%s%s\n", file, line, function, expr,
               msg ? ": " : "", msg ? msg : "");
  std::abort();
}

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  assertion_failed_msg(expr, nullptr, function, file, line);
}

}  // namespace boost
