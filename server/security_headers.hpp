#pragma once

#include <array>
#include <string_view>

namespace musubi::server {

// One header line a response carries: "Name: value".
struct HeaderLine {
  std::string_view name;
  std::string_view value;
};

// The headers on every HTTP response musubid sends, the 101 of a WebSocket upgrade included.
// docs/security/robustness-fuzz-tls.md says why each is there and what it is set to.
inline constexpr std::array<HeaderLine, 6> kSecurityHeaders{{
    // One year, this host only: no includeSubDomains, because the city's other services may
    // share the parent domain and must not be forced onto HTTPS by us.
    {"Strict-Transport-Security", "max-age=31536000"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    // An API serves no page: nothing may load from it, nothing may frame it.
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
    // Patient data must not stay in a browser's or proxy's cache; the probes and metrics are only
    // true the moment they are read, so they are not cached either.
    {"Cache-Control", "no-store"},
}};

}  // namespace musubi::server
