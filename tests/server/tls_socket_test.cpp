#include "server/tls_socket.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "server/self_signed_certificate.hpp"
#include "server/tls_context.hpp"
#include "tests/support/raw_tls_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

// The server's side of TLS, driven step by step on a real loopback socket, against an OpenSSL
// client in another thread: the handshake by OpenSSL, then TLS 1.3's records by TlsRecords.
namespace musubi::server {
namespace {

using testing::kWait;
using testing::RawTlsClient;
using testing::TlsOffer;

constexpr std::uint8_t kUnexpectedMessage = 10;
constexpr std::uint8_t kBadRecordMac = 20;
constexpr std::uint8_t kRecordOverflow = 22;

std::string pattern(std::size_t size, std::size_t seed = 1) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 131 + seed * 7 + i / 251) & 0xff);
  }
  return bytes;
}

// Waits until the socket is ready for `want`, at most kWait.
bool ready(TlsSocket& tls, TlsSocket::Want want) {
  pollfd p{tls.socket().native_handle(),
           static_cast<short>(want == TlsSocket::Want::write ? POLLOUT : POLLIN), 0};
  return ::poll(&p, 1, static_cast<int>(kWait.count())) == 1;
}

// Repeats `step` until it no longer waits; a wait past the deadline fails the test.
template <class Step>
TlsSocket::Step drive(TlsSocket& tls, Step step) {
  for (;;) {
    auto result = step();
    if (result.want == TlsSocket::Want::nothing) return result;
    if (!ready(tls, result.want)) {
      ADD_FAILURE() << "the socket never became ready";
      result.error = make_error_code(boost::system::errc::timed_out);
      return result;
    }
  }
}

void write_all(TlsSocket& tls, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto step = drive(tls, [&] { return tls.write_some(bytes.data(), bytes.size()); });
    ASSERT_FALSE(step.error) << step.error.message();
    bytes.remove_prefix(step.bytes);
  }
}

// Reads until `size` bytes came, in reads of at most `chunk`; fewer if the stream ended.
std::string read_exactly(TlsSocket& tls, std::size_t size,
                         std::size_t chunk = std::size_t{64} * 1024) {
  std::string got;
  std::string buffer(chunk, '\0');
  while (got.size() < size) {
    const auto step = drive(tls, [&] { return tls.read_some(buffer.data(), buffer.size()); });
    if (step.error) {
      ADD_FAILURE() << "read failed after " << got.size() << " bytes: " << step.error.message();
      break;
    }
    got.append(buffer, 0, step.bytes);
  }
  return got;
}

// What the client reads until `size` bytes came or the connection ended.
std::string client_reads(RawTlsClient& client, std::size_t size) {
  std::string got;
  while (got.size() < size) {
    const auto bytes = client.read();
    if (!bytes || bytes->empty()) break;
    got += *bytes;
  }
  return got;
}

class TlsSocketTest : public ::testing::Test {
 protected:
  TlsSocketTest() {
    write_self_signed_certificate(dir_.path() / "cert.pem", dir_.path() / "key.pem", {"localhost"});
    context_.emplace(make_server_tls_context(dir_.path() / "cert.pem", dir_.path() / "key.pem"));
    acceptor_.open(boost::asio::ip::tcp::v4());
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    acceptor_.non_blocking(true);
  }

  ~TlsSocketTest() override {
    if (client_thread_.joinable()) client_thread_.join();
  }

  // Starts a client in its own thread, which connects, shakes hands and then runs `script`.
  void start_client(const TlsOffer& offer, std::function<void(RawTlsClient&)> script) {
    const unsigned short port = acceptor_.local_endpoint().port();
    client_thread_ = std::thread([port, offer, script = std::move(script)] {
      RawTlsClient client(port, offer);
      if (!client.handshake().established) {
        ADD_FAILURE() << "client handshake: " << client.handshake().error;
        return;
      }
      script(client);
    });
  }

  // Accepts the client's connection and completes the server's handshake.
  TlsSocket accept() {
    pollfd p{acceptor_.native_handle(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, static_cast<int>(kWait.count())), 1) << "no client came";
    TlsSocket tls(acceptor_.accept(), context_->native_handle());
    const auto step = drive(tls, [&] { return tls.handshake(); });
    EXPECT_FALSE(step.error) << step.error.message();
    return tls;
  }

  void join_client() { client_thread_.join(); }

  // "hello" from the client, "olleh" back; whether musubi took the connection's records over.
  bool exchange(const TlsOffer& offer) {
    std::string client_got;
    start_client(offer, [&](RawTlsClient& c) {
      EXPECT_TRUE(c.write("hello"));
      client_got = client_reads(c, 5);
    });
    TlsSocket tls = accept();
    EXPECT_EQ(read_exactly(tls, 5), "hello");
    write_all(tls, "olleh");
    join_client();
    EXPECT_EQ(client_got, "olleh");
    return tls.records_taken_over();
  }

  // Sends `bytes` raw after the handshake: the server's read must fail. The alert the client
  // then received (-1: none).
  int refusal_of(const std::string& bytes) {
    int alert = -1;
    start_client({}, [&](RawTlsClient& c) {
      EXPECT_TRUE(c.write_raw(bytes));
      EXPECT_EQ(c.read(), "");
      alert = c.alert_received();
    });
    TlsSocket tls = accept();
    std::array<char, 64> buffer{};
    EXPECT_TRUE(drive(tls, [&] { return tls.read_some(buffer.data(), buffer.size()); }).error);
    tls.socket().close();
    join_client();
    return alert;
  }

  testing::TempDir dir_;
  std::optional<boost::asio::ssl::context> context_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::thread client_thread_;
};

class TlsSocketSuites : public TlsSocketTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(TlsSocketSuites, Tls13RecordsAreTakenOverAndCarryDataBothWays) {
  const std::string request = pattern(100'000, 1);
  const std::string answer = pattern(150'000, 2);
  std::string client_got;
  start_client(TlsOffer{TLS1_3_VERSION, TLS1_3_VERSION, "", GetParam()}, [&](RawTlsClient& c) {
    EXPECT_TRUE(c.write(request));
    client_got = client_reads(c, answer.size());
  });
  TlsSocket tls = accept();
  EXPECT_TRUE(tls.records_taken_over());
  EXPECT_EQ(read_exactly(tls, request.size()), request);
  write_all(tls, answer);
  join_client();
  EXPECT_EQ(client_got, answer);
}

INSTANTIATE_TEST_SUITE_P(Aeads, TlsSocketSuites,
                         ::testing::Values("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                           "TLS_CHACHA20_POLY1305_SHA256"));

TEST_F(TlsSocketTest, ADefaultClientsRecordsAreTakenOver) {
  EXPECT_TRUE(exchange({}));
}

TEST_F(TlsSocketTest, Tls12StaysWithOpenSsl) {
  EXPECT_FALSE(exchange(TlsOffer{TLS1_2_VERSION, TLS1_2_VERSION, "", ""}));
}

TEST_F(TlsSocketTest, Tls13StaysWithOpenSslWhenItsSecretsWereNotHandedOver) {
  SSL_CTX_set_keylog_callback(context_->native_handle(), nullptr);
  EXPECT_FALSE(exchange({}));
}

TEST_F(TlsSocketTest, Tls13StaysWithOpenSslWhenItSendsSessionTickets) {
  // Tickets go out under the application key before the handshake returns: taking over then
  // would use their sequence numbers, so their nonces, again.
  SSL_CTX_set_num_tickets(context_->native_handle(), 2);
  EXPECT_FALSE(exchange({}));
}

TEST_F(TlsSocketTest, ARecordIsReadThroughABufferSmallerThanIt) {
  const std::string message = pattern(40'000);
  start_client({}, [&](RawTlsClient& c) { EXPECT_TRUE(c.write(message)); });
  TlsSocket tls = accept();
  EXPECT_EQ(read_exactly(tls, message.size(), 7), message);
  join_client();
}

TEST_F(TlsSocketTest, AKeyUpdateThatAsksForOursIsAnswered) {
  std::string client_got;
  int updates = 0;
  start_client({}, [&](RawTlsClient& c) {
    EXPECT_TRUE(c.request_key_update());
    EXPECT_TRUE(c.write("after the update"));
    client_got = client_reads(c, 5);
    EXPECT_TRUE(c.write("and again"));
    client_got += client_reads(c, 4);
    updates = c.key_updates_received();
  });
  TlsSocket tls = accept();
  EXPECT_EQ(read_exactly(tls, 16), "after the update");
  write_all(tls, "reply");
  EXPECT_EQ(read_exactly(tls, 9), "and again");
  write_all(tls, "more");
  join_client();
  EXPECT_EQ(client_got, "replymore");
  EXPECT_EQ(updates, 1);
}

TEST_F(TlsSocketTest, AFloodOfKeyUpdatesIsRefused) {
  int alert = -1;
  start_client({}, [&](RawTlsClient& c) {
    for (std::uint32_t i = 0; i <= TlsRecords::kPeerKeyUpdates; ++i) {
      if (!c.request_key_update() || !c.write("k")) break;
    }
    for (auto bytes = c.read(); bytes && !bytes->empty(); bytes = c.read()) {
    }
    alert = c.alert_received();
  });
  TlsSocket tls = accept();
  std::string got;
  std::array<char, 64> buffer{};
  for (;;) {
    const auto step = drive(tls, [&] { return tls.read_some(buffer.data(), buffer.size()); });
    if (step.error) break;
    got.append(buffer.data(), step.bytes);
  }
  tls.socket().close();
  join_client();
  EXPECT_LE(got.size(), TlsRecords::kPeerKeyUpdates);
  EXPECT_EQ(got.find_first_not_of('k'), std::string::npos);
  EXPECT_EQ(alert, kUnexpectedMessage);
}

TEST_F(TlsSocketTest, OurKeysAreUpdatedAfterTheRecordsAllowedPerKey) {
  std::string client_got;
  int updates = 0;
  start_client({}, [&](RawTlsClient& c) {
    client_got = client_reads(c, 10);
    updates = c.key_updates_received();
  });
  TlsSocket tls = accept();
  tls.records().limit_records_per_key(3);
  for (const char* letter : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}) {
    write_all(tls, letter);
  }
  join_client();
  EXPECT_EQ(client_got, "abcdefghij");
  EXPECT_EQ(updates, 3);  // before the 4th, the 7th and the 10th record
}

TEST_F(TlsSocketTest, AForgedRecordIsRefusedWithBadRecordMac) {
  EXPECT_EQ(refusal_of(std::string("\x17\x03\x03\x00\x20", 5) + pattern(32)), kBadRecordMac);
}

TEST_F(TlsSocketTest, ARecordOverTheSizeLimitIsRefused) {
  // 16,641 bytes: one more than TLS 1.3 allows a protected record.
  EXPECT_EQ(refusal_of(std::string("\x17\x03\x03\x41\x01", 5)), kRecordOverflow);
}

TEST_F(TlsSocketTest, AChangeCipherSpecAfterTheHandshakeIsRefused) {
  EXPECT_EQ(refusal_of(std::string("\x14\x03\x03\x00\x01\x01", 6)), kUnexpectedMessage);
}

TEST_F(TlsSocketTest, DataThenCloseNotifyFromThePeerEndsTheStream) {
  start_client({}, [&](RawTlsClient& c) {
    EXPECT_TRUE(c.write("last words"));
    c.shut_down();
  });
  TlsSocket tls = accept();
  EXPECT_EQ(read_exactly(tls, 10), "last words");
  char buffer[64];
  const auto step = drive(tls, [&] { return tls.read_some(buffer, sizeof buffer); });
  EXPECT_EQ(step.error, boost::asio::error::eof);
  join_client();
}

TEST_F(TlsSocketTest, ShutdownSendsCloseNotify) {
  bool close_notify = false;
  std::string got;
  start_client({}, [&](RawTlsClient& c) {
    got = client_reads(c, 100);
    close_notify = c.received_close_notify();
  });
  TlsSocket tls = accept();
  write_all(tls, "bye");
  EXPECT_FALSE(drive(tls, [&] { return tls.shutdown(); }).error);
  join_client();
  EXPECT_EQ(got, "bye");
  EXPECT_TRUE(close_notify);
}

TEST_F(TlsSocketTest, ARecordTheSocketCannotTakeWholeIsSentWhenItHasRoom) {
  // The client reads nothing until the server's socket is full, so that writes come back
  // part-sent; every byte must still arrive, in order, once it reads.
  const std::string stream = pattern(std::size_t{32} * 1024 * 1024, 3);
  std::promise<void> full;
  std::string client_got;
  start_client({}, [&, full_now = full.get_future().share()](RawTlsClient& c) {
    EXPECT_EQ(full_now.wait_for(kWait * 4), std::future_status::ready);
    client_got = client_reads(c, stream.size());
  });
  TlsSocket tls = accept();
  bool waited = false;
  std::string_view rest = stream;
  while (!rest.empty()) {
    auto step =
        tls.write_some(rest.data(), std::min<std::size_t>(rest.size(), std::size_t{16} * 1024));
    if (step.want == TlsSocket::Want::write) {
      if (!waited) full.set_value();
      waited = true;
      step = drive(tls, [&] { return tls.write_some(rest.data(), rest.size()); });
    }
    ASSERT_FALSE(step.error) << step.error.message();
    rest.remove_prefix(step.bytes);
  }
  if (!waited) full.set_value();
  join_client();
  EXPECT_TRUE(waited) << "the socket never filled up";
  EXPECT_TRUE(client_got == stream) << "received " << client_got.size() << " bytes";
}

// --- Records staged for a send made elsewhere (SendBatch) ----------------------------------------

// Stages `bytes` as one record and sends it with `send_at_most` bytes of one ::send (all: -1);
// what staged_sent() made of it.
TlsSocket::Step stage_and_send(TlsSocket& tls, std::string_view bytes, long send_at_most = -1) {
  const auto staged = tls.stage(bytes.data(), bytes.size());
  EXPECT_EQ(staged.plaintext, std::min<std::size_t>(bytes.size(), std::size_t{16} * 1024));
  EXPECT_FALSE(tls.can_stage()) << "a second record staged before the first was reported";
  const std::string_view record = staged.record;
  const std::size_t size =
      send_at_most < 0 ? record.size() : std::min<std::size_t>(record.size(), send_at_most);
  long result = 0;
  if (size != 0) {
    result = ::send(tls.socket().native_handle(), record.data(), size, MSG_NOSIGNAL);
    if (result < 0) result = -errno;
  }
  return tls.staged_sent(result, record.substr(result < 0 ? 0 : result), staged.plaintext);
}

TEST_F(TlsSocketTest, StagedRecordsArriveInOrderAmongWrittenOnes) {
  std::string client_got;
  int updates = 0;
  start_client({}, [&](RawTlsClient& c) {
    client_got = client_reads(c, 12);
    updates = c.key_updates_received();
  });
  TlsSocket tls = accept();
  ASSERT_TRUE(tls.records_taken_over());
  tls.records().limit_records_per_key(2);  // a KeyUpdate staged ahead of the third record
  for (const char* part : {"ab", "cd", "ef", "gh", "ij", "kl"}) {
    if (part[0] == 'c' || part[0] == 'i') {
      write_all(tls, part);
      continue;
    }
    ASSERT_TRUE(tls.can_stage());
    const auto step = stage_and_send(tls, part);
    EXPECT_FALSE(step.error) << step.error.message();
    EXPECT_EQ(step.want, TlsSocket::Want::nothing);
    EXPECT_EQ(step.bytes, 2u);
  }
  join_client();
  EXPECT_EQ(client_got, "abcdefghijkl");
  EXPECT_EQ(updates, 2);
}

TEST_F(TlsSocketTest, AStagedRecordSentInPartIsFinishedByTheNextWrite) {
  std::string client_got;
  start_client({}, [&](RawTlsClient& c) { client_got = client_reads(c, 11); });
  TlsSocket tls = accept();
  auto step = stage_and_send(tls, "first", 7);
  EXPECT_EQ(step.want, TlsSocket::Want::write);
  // The rest of the record goes with the next write, whatever it offers, and counts its bytes.
  step = drive(tls, [&] { return tls.write_some("first", 5); });
  EXPECT_FALSE(step.error);
  EXPECT_EQ(step.bytes, 5u);
  EXPECT_TRUE(tls.can_stage());
  step = stage_and_send(tls, "second", 0);  // nothing of it sent: as if the socket was full
  EXPECT_EQ(step.want, TlsSocket::Want::write);
  step = drive(tls, [&] { return tls.write_some("second", 6); });
  EXPECT_EQ(step.bytes, 6u);
  join_client();
  EXPECT_EQ(client_got, "firstsecond");
}

TEST_F(TlsSocketTest, NothingElseIsWrittenUntilAStagedRecordIsReported) {
  start_client({}, [&](RawTlsClient& c) { (void)client_reads(c, 1); });
  TlsSocket tls = accept();
  ASSERT_EQ(tls.stage("x", 1).plaintext, 1u);
  EXPECT_TRUE(tls.stage("y", 1).record.empty());
  // A write now would put a later record before the staged one: refused, not reordered.
  EXPECT_TRUE(tls.write_some("y", 1).error);
  tls.socket().close();
  join_client();
}

TEST_F(TlsSocketTest, AFailedStagedSendFailsTheConnection) {
  start_client({}, [&](RawTlsClient& c) { (void)client_reads(c, 1); });
  TlsSocket tls = accept();
  const auto staged = tls.stage("x", 1);
  const auto step = tls.staged_sent(-EPIPE, staged.record, staged.plaintext);
  EXPECT_EQ(step.error, boost::system::error_code(EPIPE, boost::system::system_category()));
  EXPECT_FALSE(tls.can_stage());
  EXPECT_TRUE(tls.write_some("y", 1).error);
  tls.socket().close();
  join_client();
}

TEST_F(TlsSocketTest, ATls12ConnectionIsNeverStaged) {
  start_client(TlsOffer{TLS1_2_VERSION, TLS1_2_VERSION, "", ""}, [&](RawTlsClient& c) {
    EXPECT_TRUE(c.write("hi"));
    EXPECT_EQ(client_reads(c, 2), "ok");
  });
  TlsSocket tls = accept();
  EXPECT_EQ(read_exactly(tls, 2), "hi");
  EXPECT_FALSE(tls.can_stage());
  write_all(tls, "ok");
  join_client();
}

// A deadline or a shutdown may close the socket while an operation is under way (its readiness
// wait already complete); OpenSSL's BIO still holds the descriptor's number. What comes next must
// not touch the socket that has that number now.
TEST_F(TlsSocketTest, AnOperationOnAClosedSocketLeavesItsDescriptorsNextOwnerAlone) {
  namespace net = boost::asio;
  const auto connect_pair = [&](net::ip::tcp::socket& client) {
    client.connect(acceptor_.local_endpoint());
    pollfd p{acceptor_.native_handle(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, static_cast<int>(kWait.count())), 1) << "no client came";
    return acceptor_.accept();
  };
  net::ip::tcp::socket client(io_);
  TlsSocket tls(connect_pair(client), context_->native_handle());
  const int number = tls.socket().native_handle();
  tls.socket().close();

  net::ip::tcp::socket next_owner(io_);  // takes the lowest free number: the one just closed
  auto next_peer = connect_pair(next_owner);
  ASSERT_EQ(next_owner.native_handle(), number);
  net::write(next_peer, net::buffer(std::string_view("not yours")));
  pollfd p{number, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, static_cast<int>(kWait.count())), 1);

  std::optional<boost::system::error_code> result;
  tls.async_handshake([&](boost::system::error_code ec, std::size_t) { result = ec; });
  io_.run();
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, net::error::operation_aborted);
  EXPECT_EQ(next_owner.available(), 9u) << "the closed connection's TLS read another socket";
}

}  // namespace
}  // namespace musubi::server
