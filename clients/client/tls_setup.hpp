#pragma once

#include <string>

#include <boost/asio/ssl/context.hpp>

#include "clients/client/client_connection.hpp"

namespace musubi::client {

// TLS 1.2 or later, and the server's certificate verified for `host` (against `tls.ca_file`, or
// the system's roots) unless `tls.insecure`. Throws ClientError for an unreadable CA file.
void configure_tls(boost::asio::ssl::context& ctx, const TlsOptions& tls, const std::string& host);

}  // namespace musubi::client
