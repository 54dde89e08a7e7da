#include "clients/client/https_request.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "clients/client/tls_setup.hpp"

namespace musubi::client {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string HttpsResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return {};
}

std::pair<std::string, std::string> bearer(const std::string& token) {
  return {"Authorization", "Bearer " + token};
}

HttpsResponse https_request(const ConnectOptions& options, const HttpsRequest& request) {
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  configure_tls(tls, options.tls, options.url.host);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), options.url.host.c_str())) {
    throw ClientError("cannot set TLS server name");
  }
  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  req.set(http::field::host, options.url.host);
  for (const auto& [name, value] : request.headers)
    req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::string_body>> parser;
  auto fresh_parser = [&parser] {
    parser.emplace();
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
  };
  fresh_parser();

  // Each step runs the io_context until its handler has run, all under one expiry of the
  // tcp_stream (which every operation of the TLS stream goes through).
  auto run = [&ioc](auto&& start) {
    beast::error_code result = net::error::would_block;
    start(result);
    ioc.restart();
    while (result == net::error::would_block && ioc.run_one() > 0) {
    }
    return result;
  };
  auto fail = [&options](const std::string& step, const beast::error_code& ec) {
    return ClientError("cannot " + step + " " + options.url.host + ":" + options.url.port + ": " +
                       ec.message());
  };
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(options.url.host, options.url.port, ec);
  if (ec) throw fail("resolve", ec);
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(options.timeout);
  ec = run([&](beast::error_code& r) {
    tcp_layer.async_connect(endpoints, [&r](beast::error_code e, const tcp::endpoint&) { r = e; });
  });
  if (ec) throw fail("connect to", ec);
  ec = run([&](beast::error_code& r) {
    stream.async_handshake(ssl::stream_base::client, [&r](beast::error_code e) { r = e; });
  });
  if (ec) throw fail("complete TLS with", ec);
  // A body is announced first (Expect: 100-continue) and sent only once the server agrees: a
  // refusal (401, 413, ...) then comes before a byte of it, instead of a reset mid-upload.
  const bool announce = !req.body().empty();
  if (announce) req.set(http::field::expect, "100-continue");
  http::request_serializer<http::string_body> serializer(req);
  ec = run([&](beast::error_code& r) {
    if (announce) {
      http::async_write_header(stream, serializer,
                               [&r](beast::error_code e, std::size_t) { r = e; });
    } else {
      http::async_write(stream, serializer, [&r](beast::error_code e, std::size_t) { r = e; });
    }
  });
  if (ec) throw fail("send to", ec);
  auto read_answer = [&] {
    return run([&](beast::error_code& r) {
      http::async_read(stream, buffer, *parser, [&r](beast::error_code e, std::size_t) { r = e; });
    });
  };
  ec = read_answer();
  if (!ec && announce && parser->get().result() == http::status::continue_) {
    ec = run([&](beast::error_code& r) {
      http::async_write(stream, serializer, [&r](beast::error_code e, std::size_t) { r = e; });
    });
    if (ec) throw fail("send to", ec);
    fresh_parser();
    ec = read_answer();
  }
  if (ec) throw fail("read the answer of", ec);
  HttpsResponse out;
  const auto& res = parser->get();
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& field : res)
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  return out;
}

}  // namespace musubi::client
