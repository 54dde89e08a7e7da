#include "server/http_routes.hpp"

#include <algorithm>
#include <cctype>

#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include "musubi_version.hpp"
#include "protocol/envelope.hpp"
#include "protocol/hex_digit.hpp"
#include "server/security_headers.hpp"
#include "server/websocket/handshake.hpp"

namespace musubi::server {

namespace http = boost::beast::http;

namespace {

std::string_view path_of(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool offers_subprotocol(std::string_view header) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    if (trim(header.substr(0, comma)) == protocol::kSubprotocol) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

Route route(const HttpRequest& request) {
  const auto path = path_of(request.target());
  if (path == "/healthz") return Route::health;
  if (path == "/readyz") return Route::ready;
  if (path == "/metrics") return Route::metrics;
  if (path == "/ws") return Route::websocket;
  if (path == "/attachments") return Route::upload;
  if (attachment_in_path(request.target())) return Route::download;
  return Route::not_found;
}

std::optional<std::string> attachment_in_path(std::string_view target) {
  constexpr std::string_view kPrefix = "/attachments/";
  const auto path = path_of(target);
  if (!path.starts_with(kPrefix)) return std::nullopt;
  const auto id = path.substr(kPrefix.size());
  if (id.empty() || id.size() > 64) return std::nullopt;
  for (const char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  }
  return std::string(id);
}

namespace {

// The raw (still percent-encoded) value of the first parameter called `name`.
std::optional<std::string_view> raw_query_parameter(std::string_view target,
                                                    std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

bool has_query_parameter(std::string_view target, std::string_view name) {
  return raw_query_parameter(target, name).has_value();
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name) {
  const auto raw = raw_query_parameter(target, name);
  return raw ? percent_decode(*raw) : std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = protocol::hex_digit_value(text[i + 1]);
      const int lo = protocol::hex_digit_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

HttpResponse json_response(const HttpRequest& request, http::status status, std::string body) {
  return text_response(request, status, "application/json; charset=utf-8", std::move(body));
}

void set_security_headers(http::response_header<>& res) {
  res.set(http::field::server, std::string("musubid/") + kVersion);
  for (const auto& [name, value] : kSecurityHeaders)
    res.set(name, value);
}

HttpResponse text_response(const HttpRequest& request, http::status status,
                           std::string_view content_type, std::string body) {
  HttpResponse res{status, request.version()};
  set_security_headers(res);
  res.set(http::field::content_type, content_type);
  res.keep_alive(request.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse error_response(const HttpRequest& request, http::status status, std::string_view code,
                            std::string_view message) {
  auto response = json_response(
      request, status,
      protocol::dump(nlohmann::json{{"error", {{"code", code}, {"message", message}}}}));
  // RFC 6750: a 401 names the scheme that would work.
  if (status == http::status::unauthorized) response.set(http::field::www_authenticate, "Bearer");
  return response;
}

std::optional<HttpResponse> refuse_upgrade(const HttpRequest& request,
                                           const std::vector<std::string>& allowed_origins) {
  if (!boost::beast::websocket::is_upgrade(request)) {
    auto res = error_response(request, http::status::upgrade_required, "upgrade_required",
                              "/ws speaks WebSocket only: upgrade with subprotocol musubi.v1");
    res.set(http::field::upgrade, "websocket");
    return res;
  }
  if (request[http::field::sec_websocket_version] != "13") {
    auto res = error_response(request, http::status::upgrade_required, "websocket_version",
                              "musubi speaks WebSocket version 13");
    res.set(http::field::sec_websocket_version, "13");
    return res;
  }
  if (!websocket::valid_client_key(request[http::field::sec_websocket_key])) {
    return error_response(request, http::status::bad_request, "websocket_key",
                          "Sec-WebSocket-Key must be 16 bytes in base64");
  }
  if (!offers_subprotocol(request[http::field::sec_websocket_protocol])) {
    return error_response(request, http::status::bad_request, "subprotocol_required",
                          "musubi requires the WebSocket subprotocol musubi.v1 "
                          "(Sec-WebSocket-Protocol: musubi.v1)");
  }
  const auto origin = request[http::field::origin];
  // Browsers always send Origin; native clients (the CLI, phones) do not and are not subject to
  // cross-site requests.
  if (!origin.empty() &&
      std::find(allowed_origins.begin(), allowed_origins.end(), origin) == allowed_origins.end()) {
    return error_response(request, http::status::forbidden, "origin_not_allowed",
                          "this origin may not open a musubi connection");
  }
  return std::nullopt;
}

}  // namespace musubi::server
