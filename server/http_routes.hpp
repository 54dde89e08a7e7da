#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace musubi::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// upload: POST /attachments?room=ID&name=FILE; download: GET /attachments/ID.
enum class Route { health, ready, metrics, websocket, upload, download, not_found };

// Which handler a request goes to (by path; methods are checked by the handler).
Route route(const HttpRequest& request);

// The attachment id in a /attachments/ID path (letters, digits and _), or nullopt.
std::optional<std::string> attachment_in_path(std::string_view target);

// The percent-decoded value of a query parameter ("+" is a space), or nullopt when absent or
// badly encoded.
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);
bool has_query_parameter(std::string_view target, std::string_view name);
std::optional<std::string> percent_decode(std::string_view text);

// Why a WebSocket upgrade on /ws is refused, as a complete response; nullopt when it may proceed.
// Refused: not an upgrade or not WebSocket version 13 (426), a malformed Sec-WebSocket-Key or no
// musubi.v1 subprotocol (400), an Origin not allowed (403).
std::optional<HttpResponse> refuse_upgrade(const HttpRequest& request,
                                           const std::vector<std::string>& allowed_origins);

// A JSON response with musubi's security headers (HSTS, nosniff, no caching, no framing).
HttpResponse json_response(const HttpRequest& request, boost::beast::http::status status,
                           std::string body);

// HSTS, nosniff, no caching, no framing, no referrer, a CSP that allows nothing.
void set_security_headers(boost::beast::http::response_header<>& response);

// The same headers with another content type (e.g. Prometheus text for /metrics).
HttpResponse text_response(const HttpRequest& request, boost::beast::http::status status,
                           std::string_view content_type, std::string body);

// {"error": {"code": ..., "message": ...}} with the given status (a 401 with
// WWW-Authenticate: Bearer).
HttpResponse error_response(const HttpRequest& request, boost::beast::http::status status,
                            std::string_view code, std::string_view message);

}  // namespace musubi::server
