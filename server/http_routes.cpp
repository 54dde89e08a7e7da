#include "server/http_routes.hpp"

#include <algorithm>

#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include "musubi_version.hpp"
#include "protocol/envelope.hpp"

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
  return Route::not_found;
}

HttpResponse json_response(const HttpRequest& request, http::status status, std::string body) {
  return text_response(request, status, "application/json; charset=utf-8", std::move(body));
}

HttpResponse text_response(const HttpRequest& request, http::status status,
                           std::string content_type, std::string body) {
  HttpResponse res{status, request.version()};
  res.set(http::field::server, std::string("musubid/") + kVersion);
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::strict_transport_security, "max-age=63072000");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  res.keep_alive(request.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse error_response(const HttpRequest& request, http::status status, std::string_view code,
                            std::string_view message) {
  return json_response(
      request, status,
      protocol::dump(nlohmann::json{{"error", {{"code", code}, {"message", message}}}}));
}

std::optional<HttpResponse> refuse_upgrade(const HttpRequest& request,
                                           const std::vector<std::string>& allowed_origins) {
  if (!boost::beast::websocket::is_upgrade(request)) {
    auto res = error_response(request, http::status::upgrade_required, "upgrade_required",
                              "/ws speaks WebSocket only: upgrade with subprotocol musubi.v1");
    res.set(http::field::upgrade, "websocket");
    return res;
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
