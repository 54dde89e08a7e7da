// Fuzz target: the bytes a client sends after the TLS handshake, read as HttpSession reads them.
// Each request's header first (8 KiB at most), then its body (8 KiB at most, except uploads),
// then the route's checks; keep-alive requests follow one another until one upgrades to
// WebSocket or the bytes run out. Every response must carry the security headers, and an
// accepted upgrade must produce one well-formed 101 whatever the request held.
//
// The first input byte sets how many bytes arrive per read (1 to 256), since Beast's parser
// sees a header split across reads differently from one read whole.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "protocol/envelope.hpp"
#include "server/http_routes.hpp"
#include "server/security_headers.hpp"
#include "server/websocket/handshake.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace musubi::server;

// HttpSession's limits.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::uint64_t kBodyLimit = 8U * 1024;
constexpr std::uint64_t kUploadLimit = 64U * 1024;  // smaller than the server's, to stay fast
constexpr int kMaxRequests = 8;

using Parser = http::request_parser<http::string_body>;

// The bytes a connection has sent, handed to a parser `chunk` bytes per read.
class Connection {
 public:
  Connection(std::string_view bytes, std::size_t chunk) : bytes_(bytes), chunk_(chunk) {}

  // Reads until `done` holds for the parser; false on a parse error or when the bytes end first.
  template <class Done>
  bool read(Parser& parser, Done done) {
    while (!done(parser)) {
      if (buffered_ == 0 || need_more_) {
        if (used_ + buffered_ == bytes_.size()) return false;  // the client stopped sending
        buffered_ = std::min(buffered_ + chunk_, bytes_.size() - used_);
      }
      beast::error_code ec;
      const auto n = parser.put(boost::asio::buffer(bytes_.data() + used_, buffered_), ec);
      used_ += n;
      buffered_ -= n;
      need_more_ = ec == http::error::need_more;
      if (ec && !need_more_) return false;
    }
    return true;
  }

 private:
  std::string_view bytes_;
  std::size_t chunk_;
  std::size_t used_ = 0;
  std::size_t buffered_ = 0;
  bool need_more_ = false;
};

// Checks a response as it goes out on the wire.
void check_response(const HttpResponse& response) {
  std::ostringstream wire;
  wire << response;
  const auto text = wire.str();
  for (const auto& [name, value] : kSecurityHeaders) {
    if (response[name] != value) std::abort();
  }
  if (text.find("\r\n\r\n") + 4 + response.body().size() != text.size()) std::abort();
}

void check_upgrade(const HttpRequest& request) {
  const auto key = request[http::field::sec_websocket_key];
  if (!websocket::valid_client_key(key)) std::abort();
  const auto response =
      websocket::upgrade_response(key, musubi::protocol::kSubprotocol, "musubid/fuzz");
  // Exactly one header block: nothing from the request may end it early or add a line.
  if (!response.starts_with("HTTP/1.1 101 ") || response.find("\r\n\r\n") != response.size() - 4)
    std::abort();
}

// What HttpSession::handle does with a whole request, short of storage; false once the
// connection is handed over or closed.
bool handle(const HttpRequest& request) {
  static const std::vector<std::string> kAllowedOrigins = {"https://localhost:8443"};
  switch (route(request)) {
    case Route::websocket:
      if (auto refusal = refuse_upgrade(request, kAllowedOrigins)) {
        check_response(*refusal);
        return refusal->keep_alive();
      }
      check_upgrade(request);
      return false;
    case Route::download:
      if (!attachment_in_path(request.target())) std::abort();
      break;
    case Route::not_found:
      check_response(error_response(request, http::status::not_found, "not_found", "no such path"));
      break;
    default: break;
  }
  const auto response = json_response(request, http::status::ok, "{}");
  check_response(response);
  return response.keep_alive();
}

// What HttpSession::start_upload reads before it asks storage who may upload.
void check_upload_target(std::string_view target) {
  (void)has_query_parameter(target, "name");
  (void)query_parameter(target, "name");
  if (const auto room = query_parameter(target, "room")) (void)percent_decode(*room);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Connection connection(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                        std::size_t{data[0]} + 1);
  for (int i = 0; i < kMaxRequests; ++i) {
    Parser parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);
    parser.eager(false);
    if (!connection.read(parser, [](const Parser& p) { return p.is_header_done(); })) return 0;
    if (route(parser.get()) == Route::upload) {
      check_upload_target(parser.get().target());
      if (parser.content_length().value_or(0) > kUploadLimit) return 0;  // 413
      parser.body_limit(kUploadLimit);
    } else {
      if (parser.content_length().value_or(0) > kBodyLimit) {
        check_response(error_response(parser.get(), http::status::payload_too_large, "too_large",
                                      "this path takes no body"));
        return 0;
      }
      parser.body_limit(kBodyLimit);
    }
    parser.eager(true);
    if (!connection.read(parser, [](const Parser& p) { return p.is_done(); })) return 0;
    if (!handle(parser.release())) return 0;
  }
  return 0;
}
