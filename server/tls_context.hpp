#pragma once

#include <filesystem>

#include <boost/asio/ssl/context.hpp>

namespace musubi::server {

// A server TLS context: TLS 1.2 and 1.3 only, forward-secret AEAD cipher suites only, server
// cipher preference, no compression, no renegotiation, no session tickets. Throws on a bad
// certificate or key.
boost::asio::ssl::context make_server_tls_context(const std::filesystem::path& cert_file,
                                                  const std::filesystem::path& key_file);

}  // namespace musubi::server
