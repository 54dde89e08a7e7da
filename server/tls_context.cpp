#include "server/tls_context.hpp"

#include <openssl/ssl.h>

#include "server/tls_records.hpp"

namespace musubi::server {

namespace ssl = boost::asio::ssl;

ssl::context make_server_tls_context(const std::filesystem::path& cert_file,
                                     const std::filesystem::path& key_file) {
  ssl::context ctx(ssl::context::tls_server);
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  // TLS 1.2: ECDHE key exchange with AEAD ciphers only (Mozilla "intermediate" minus DHE).
  SSL_CTX_set_cipher_list(native,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  SSL_CTX_set_ciphersuites(native,
                           "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                           "TLS_CHACHA20_POLY1305_SHA256");
  SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384");
  // No session resumption: no cache of every client's session in memory (tens of thousands of
  // mostly idle connections) and no tickets; a reconnect costs one full handshake.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(native, 0);
  TlsRecords::capture_secrets(native);
  ctx.use_certificate_chain_file(cert_file.string());
  ctx.use_private_key_file(key_file.string(), ssl::context::pem);
  return ctx;
}

}  // namespace musubi::server
