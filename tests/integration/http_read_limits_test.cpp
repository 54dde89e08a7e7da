// What the server buffers of an HTTP request is bounded: a request that never finishes a line
// is cut off at once instead of being held until it times out, while large uploads still go
// through (their bytes are moved into the body as they arrive, not kept in the read buffer).
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients/client/https_request.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/raw_tls_client.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

// Reads until the server closes the connection; false if it is still open at the deadline.
bool closed_by_server(RawTlsClient& client) {
  for (;;) {
    const auto got = client.read();
    if (!got) return false;
    if (got->empty()) return true;
  }
}

// Regression: Beast 1.81 does not bound a chunk's size line, and the read buffer had no limit,
// so one endless line (found while fuzzing the HTTP path) grew it by the megabyte until
// http_request_seconds ran out, unauthenticated and on any path.
TEST(HttpReadLimits, AnEndlessChunkSizeLineIsCutOff) {
  TestServer server;
  RawTlsClient client(server.port());
  ASSERT_TRUE(client.handshake().established) << client.handshake().error;
  ASSERT_TRUE(client.write(
      "POST /healthz HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n1;"));
  const std::string extension(64 * 1024, 'x');
  for (int i = 0; i < 16 && client.write(extension); ++i) {
  }
  EXPECT_TRUE(closed_by_server(client));

  // The server goes on serving.
  client::HttpsRequest probe;
  probe.target = "/healthz";
  EXPECT_EQ(client::https_request(server.connect_options(), probe).status, 200);
}

TEST(HttpReadLimits, AFileLargerThanTheReadBufferStillUploads) {
  TestServer server;
  server.add_user("vn");
  auto c = server.connect();
  const auto token = ok(c->request(
      "session.sign_in", {{"login", "vn"}, {"password", kPassword}, {"device", "test"}}))["token"]
                         .get<std::string>();
  const auto room = create_room(server, *c, "佐藤 一郎");
  client::HttpsRequest upload;
  upload.method = "POST";
  upload.target = "/attachments?room=" + room + "&name=big.pdf";
  upload.headers.push_back(client::bearer(token));
  upload.body = "%PDF-1.7\n" + std::string(1024 * 1024, 'x');
  const auto res = client::https_request(server.connect_options(), upload);
  EXPECT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(nlohmann::json::parse(res.body)["attachment"]["size"], upload.body.size());
}

}  // namespace
}  // namespace musubi::testing
