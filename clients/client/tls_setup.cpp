#include "clients/client/tls_setup.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/ssl.h>

namespace musubi::client {

namespace ssl = boost::asio::ssl;

void configure_tls(ssl::context& ctx, const TlsOptions& tls, const std::string& host) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  if (tls.insecure) {
    ctx.set_verify_mode(ssl::verify_none);
    return;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  if (!tls.ca_file.empty()) {
    boost::system::error_code ec;
    ctx.load_verify_file(tls.ca_file, ec);
    if (ec) throw ClientError("cannot read CA file " + tls.ca_file + ": " + ec.message());
  } else {
    ctx.set_default_verify_paths();
  }
  ctx.set_verify_callback(ssl::host_name_verification(host));
}

}  // namespace musubi::client
