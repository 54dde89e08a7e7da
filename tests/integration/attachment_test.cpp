// Attachments: uploaded over HTTPS with the session token, checked by their bytes, stored by
// SHA-256, part of a message, downloadable by the room's members only, every download audited.
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "clients/client/https_request.hpp"
#include "server/blob_store.hpp"
#include "storage/database.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/raw_websocket_client.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

const std::string kPdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\x01');
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(64, '\x02');

class Attachments : public ::testing::Test {
 protected:
  void SetUp() override {
    server.add_user("vn", "田中 看護師");
    server.add_user("ph", "高橋 薬剤師", "pharmacist", TestServer::kPharmacy);
    server.add_user("outsider", "外部 太郎");
    vn = server.connect();
    vn_token = sign_in(*vn, "vn");
    room = create_room(server, *vn, "佐藤 一郎");
    add_member(*vn, room, "ph");
    ph = server.connect();
    ph_token = sign_in(*ph, "ph");
    outsider = server.connect();
    outsider_token = sign_in(*outsider, "outsider");
  }

  static std::string sign_in(client::ClientConnection& c, const std::string& login) {
    const auto result = ok(c.request(
        "session.sign_in", {{"login", login}, {"password", kPassword}, {"device", "test"}}));
    return result["token"].get<std::string>();
  }

  client::HttpsResponse upload(const std::string& token, const std::string& bytes,
                               const std::string& type, const std::string& target) {
    client::HttpsRequest r;
    r.method = "POST";
    r.target = target;
    if (!token.empty()) r.headers.push_back(client::bearer(token));
    if (!type.empty()) r.headers.emplace_back("Content-Type", type);
    r.body = bytes;
    return client::https_request(server.connect_options(), r);
  }

  client::HttpsResponse upload(const std::string& token, const std::string& bytes,
                               const std::string& type = "") {
    return upload(token, bytes, type, "/attachments?room=" + room + "&name=%E9%80%80%E9%99%A2.pdf");
  }

  client::HttpsResponse download(const std::string& token, const std::string& id) {
    client::HttpsRequest r;
    r.target = "/attachments/" + id;
    if (!token.empty()) r.headers.push_back(client::bearer(token));
    return client::https_request(server.connect_options(), r);
  }

  std::string uploaded(const std::string& bytes, const std::string& type = "") {
    const auto res = upload(vn_token, bytes, type);
    EXPECT_EQ(res.status, 201) << res.body;
    return json::parse(res.body)["attachment"]["id"].get<std::string>();
  }

  std::int64_t audited(const std::string& action) {
    storage::Database db(server.config().database_path(), storage::OpenMode::read_only);
    auto& st = db.prepare("SELECT count(*) FROM audit WHERE action = ?");
    st.bind(1, action);
    st.step();
    return st.int64(0);
  }

  TestServer server{[](server::ServerConfig& c) { c.limits.max_attachment_bytes = 64 * 1024; }};
  std::unique_ptr<client::ClientConnection> vn, ph, outsider;
  std::string vn_token, ph_token, outsider_token, room;
};

TEST_F(Attachments, MemberUploadsPostsAndAnotherMemberDownloads) {
  const auto res = upload(vn_token, kPdf, "application/pdf");
  ASSERT_EQ(res.status, 201) << res.body;
  const auto a = json::parse(res.body)["attachment"];
  EXPECT_EQ(a["media_type"], "application/pdf");
  EXPECT_EQ(a["size"], kPdf.size());
  EXPECT_EQ(a["name"], "退院.pdf");
  EXPECT_EQ(a["sha256"], server::BlobStore::sha256_hex(kPdf));
  EXPECT_EQ(a["room"], room);
  // Stored under its hash.
  const auto sha = a["sha256"].get<std::string>();
  EXPECT_TRUE(std::filesystem::exists(server.data_dir() / "attachments" / sha.substr(0, 2) / sha));

  ok(ph->request("room.subscribe", {{"rooms", {{{"room", room}}}}}));
  const auto posted = ok(vn->request(
      "room.post", {{"room", room}, {"text", "退院サマリーです"}, {"attachments", {a["id"]}}}));
  const auto event = next_room_event(*ph);
  ASSERT_TRUE(event.is_object());
  EXPECT_EQ(event["seq"], posted["seq"]);
  ASSERT_EQ(event["attachments"].size(), 1u);
  EXPECT_EQ(event["attachments"][0]["id"], a["id"]);
  EXPECT_EQ(event["attachments"][0]["media_type"], "application/pdf");

  const auto before = audited("attachment.download");
  const auto got = download(ph_token, a["id"]);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, kPdf);
  EXPECT_EQ(got.header("Content-Type"), "application/pdf");
  EXPECT_NE(got.header("Content-Disposition").find("filename*=UTF-8''%E9%80%80%E9%99%A2.pdf"),
            std::string::npos);
  EXPECT_EQ(got.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(audited("attachment.download"), before + 1);
  EXPECT_EQ(audited("attachment.upload"), 1);

  // The history shows the attachment too.
  const auto history = ok(ph->request("room.history", {{"room", room}}));
  EXPECT_EQ(history["events"][0]["attachments"][0]["id"], a["id"]);
}

TEST_F(Attachments, NonMemberCannotDownloadAndLearnsNothing) {
  const auto id = uploaded(kPng, "image/png");
  ok(vn->request("room.post", {{"room", room}, {"text", ""}, {"attachments", {id}}}));
  const auto before = audited("attachment.download");
  const auto denied = download(outsider_token, id);
  const auto unknown = download(outsider_token, "att_doesnotexist");
  EXPECT_EQ(denied.status, 404);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(denied.body, unknown.body);
  const auto anonymous = download("", id);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(download("mst_forged", id).status, 401);
  EXPECT_EQ(audited("attachment.download"), before);
}

TEST_F(Attachments, UploadNotYetPostedIsTheUploadersOnly) {
  const auto id = uploaded(kJpeg);
  EXPECT_EQ(download(ph_token, id).status, 404);
  EXPECT_EQ(download(vn_token, id).status, 200);
}

TEST_F(Attachments, OversizeUploadIsRefusedBeforeItsBody) {
  const auto res = upload(vn_token, kPdf + std::string(64 * 1024, 'x'), "application/pdf");
  EXPECT_EQ(res.status, 413) << res.body;
  EXPECT_EQ(json::parse(res.body)["error"]["code"], "too_large");
  EXPECT_EQ(audited("attachment.upload"), 0);
}

TEST_F(Attachments, SpoofedAndUnknownTypesAreRefused) {
  // A PDF declared as a PNG.
  auto res = upload(vn_token, kPdf, "image/png");
  EXPECT_EQ(res.status, 415) << res.body;
  EXPECT_EQ(json::parse(res.body)["error"]["code"], "unsupported_media_type");
  // HTML named .pdf and declared as a PDF.
  res = upload(vn_token, "<html><script>alert(1)</script></html>", "application/pdf");
  EXPECT_EQ(res.status, 415) << res.body;
  // An executable with no declared type.
  res = upload(vn_token, std::string("\x7f"
                                     "ELF\x02\x01\x01",
                                     7) +
                             std::string(32, '\0'));
  EXPECT_EQ(res.status, 415) << res.body;
  EXPECT_EQ(audited("attachment.upload"), 0);
  // The connection-level answer keeps no file behind.
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() / "attachments" /
                                       server::BlobStore::sha256_hex(kPdf).substr(0, 2)));
}

TEST_F(Attachments, UploadNeedsTokenMembershipAndAnOpenRoom) {
  EXPECT_EQ(upload("", kPdf).status, 401);
  EXPECT_EQ(upload("mst_forged", kPdf).status, 401);
  EXPECT_EQ(upload(outsider_token, kPdf).status, 404);
  EXPECT_EQ(upload(vn_token, kPdf, "", "/attachments").status, 400);
  EXPECT_EQ(upload(vn_token, kPdf, "", "/attachments?room=" + room + "&name=a%2Fb").status, 400);
  EXPECT_EQ(upload(vn_token, kPdf, "", "/attachments?room=" + room + "&name=%E9%8").status, 400);
  EXPECT_EQ(upload(vn_token, kPdf, "", "/attachments?room=" + room + "&name=%FF.pdf").status, 400);
  EXPECT_EQ(upload(vn_token, "", "", "/attachments?room=" + room).status, 400);
  client::HttpsRequest get;
  get.target = "/attachments";
  get.headers.push_back(client::bearer(vn_token));
  EXPECT_EQ(client::https_request(server.connect_options(), get).status, 405);
  // A signed-out token no longer works.
  ok(outsider->request("session.sign_out", json::object()));
  EXPECT_EQ(upload(outsider_token, kPdf).status, 401);
}

TEST_F(Attachments, IdenticalFilesAreStoredOnce) {
  const auto first = uploaded(kPdf);
  const auto second = uploaded(kPdf);
  EXPECT_NE(first, second);
  const auto dir =
      server.data_dir() / "attachments" / server::BlobStore::sha256_hex(kPdf).substr(0, 2);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST_F(Attachments, AMessageCarriesOnlyItsAuthorsFreshUploadsToThatRoom) {
  const auto id = uploaded(kPdf);
  // Someone else's upload.
  expect_error(ph->request("room.post", {{"room", room}, {"text", "x"}, {"attachments", {id}}}),
               "invalid_request");
  expect_error(
      vn->request("room.post", {{"room", room}, {"text", "x"}, {"attachments", {"att_nope"}}}),
      "invalid_request");
  expect_error(vn->request("room.post", {{"room", room}, {"text", "x"}, {"attachments", {id, id}}}),
               "invalid_request");
  expect_error(vn->request("room.post", {{"room", room}, {"text", "x"}, {"attachments", "nope"}}),
               "invalid_request");
  expect_error(vn->request("room.post", {{"room", room}, {"text", ""}}), "invalid_request");
  ok(vn->request("room.post", {{"room", room}, {"text", "x"}, {"attachments", {id}}}));
  // Once part of a message, it cannot be part of another.
  expect_error(vn->request("room.post", {{"room", room}, {"text", "y"}, {"attachments", {id}}}),
               "conflict");
}

// The request deadline bounds each write of a response, not the whole of it: a client that keeps
// reading a file for longer than http_request_seconds gets every byte of it.
TEST(AttachmentDownloads, ASlowReaderGetsAFileThatTakesLongerThanTheRequestDeadline) {
  constexpr std::size_t kFileBytes = std::size_t{8} << 20;
  constexpr double kBytesPerSecond = 2.5 * (1 << 20);  // the whole file: about 3.2 s
  TestServer server([](server::ServerConfig& c) {
    c.timeouts.http_request_seconds = 1;
    c.limits.max_attachment_bytes = kFileBytes;
  });
  server.add_user("vn", "田中 看護師");
  auto vn = server.connect();
  const auto token = ok(vn->request(
      "session.sign_in", {{"login", "vn"}, {"password", kPassword}, {"device", "test"}}))["token"]
                         .get<std::string>();
  const auto room = create_room(server, *vn, "佐藤 一郎");

  std::string file = "%PDF-1.7\n";
  std::uint32_t noise = 12345;
  while (file.size() < kFileBytes) {
    noise = noise * 1103515245 + 12345;
    file += static_cast<char>(noise >> 24);
  }
  client::HttpsRequest up;
  up.method = "POST";
  up.target = "/attachments?room=" + room + "&name=big.pdf";
  up.headers.push_back(client::bearer(token));
  up.body = file;
  const auto uploaded = client::https_request(server.connect_options(), up);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const auto id = json::parse(uploaded.body)["attachment"]["id"].get<std::string>();

  // A small receive window, so that the server's writes wait for the reader.
  RawClient c(server, {.source = "", .receive_buffer_bytes = 64 * 1024});
  c.write("GET /attachments/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
          token + "\r\n\r\n");
  const auto head = c.read_http_response();
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  ASSERT_NE(head.find("Content-Length: " + std::to_string(kFileBytes)), std::string::npos) << head;
  std::string body = std::move(c.inbox());
  const auto start = std::chrono::steady_clock::now();
  while (body.size() < kFileBytes) {
    // Paced against the clock: no faster than kBytesPerSecond on average.
    std::this_thread::sleep_until(
        start +
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(static_cast<double>(body.size()) / kBytesPerSecond)));
    const auto record = c.read_one_record();
    if (record.empty()) break;  // closed, or nothing in kWait
    body += record;
  }
  EXPECT_GT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(body.size(), kFileBytes);
  EXPECT_EQ(server::BlobStore::sha256_hex(body), server::BlobStore::sha256_hex(file));
}

}  // namespace
}  // namespace musubi::testing
