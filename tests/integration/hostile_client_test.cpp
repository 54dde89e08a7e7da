// Hostile clients against the real server: connections that never finish TLS or the upgrade, ping
// floods, a client that never reads, thousands of connections from one address, huge and deeply
// nested JSON. While each attack runs, a well-behaved client signs in, posts, and gets its ack
// and the delivery of its post in time; the server's memory stays bounded.
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients/client/https_request.hpp"
#include "tests/support/heap_usage.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/raw_websocket_client.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kNurse = "nurse";
constexpr const char* kAttackerAddress = "127.0.0.2";  // loopback too, but another peer

// Polls `done` until it holds or the deadline passes.
template <class Done>
bool eventually(Done done, milliseconds timeout = kWait) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// A plain TCP connection that speaks whatever bytes the test gives it (or none at all).
class TcpPeer {
 public:
  TcpPeer(unsigned short port, const char* source) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket: " + std::to_string(errno));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::runtime_error("connect: " + std::to_string(error));
    }
  }
  ~TcpPeer() { ::close(fd_); }
  TcpPeer(const TcpPeer&) = delete;
  TcpPeer& operator=(const TcpPeer&) = delete;

  void send(std::string_view bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

  // True when the server has closed the connection (end of stream or reset) within `timeout`;
  // whatever it sent before is skipped.
  bool closed_within(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return false;
      char buffer[4096];
      const auto n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
    }
  }

 private:
  int fd_;
};

// Room for `n` more open files: the test holds both ends of every connection.
void allow_open_files(rlim_t n) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < n) {
    limit.rlim_cur = std::min(n, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Sends a request over a raw client and returns the reply to it (events before it are skipped);
// null when none comes in time.
json raw_request(RawClient& c, int id, std::string_view op, const json& body) {
  c.write(client_frame(1, json{{"id", id}, {"op", op}, {"body", body}}.dump()));
  for (auto frame = c.next_frame(); frame; frame = c.next_frame()) {
    if (frame->opcode != 1) continue;
    auto reply = json::parse(frame->payload);
    if (reply.contains("id") && reply["id"] == id) return reply;
  }
  return nullptr;
}

json sign_in_body(const std::string& login) {
  return {{"login", login}, {"password", kPassword}, {"device", "hostile"}};
}

class HostileClients : public ::testing::Test {
 protected:
  // The real server with short timeouts, so that cut-offs come within a test's patience.
  // Durability is the crash test's business: commits here need not wait for the disk.
  void start(const TestServer::Tweak& tweak = {}) {
    server_ = std::make_unique<TestServer>([&](server::ServerConfig& config) {
      config.timeouts.tls_handshake_seconds = 1;
      config.timeouts.http_request_seconds = 1;
      config.timeouts.websocket_idle_seconds = 4;
      config.storage.synchronous = "NORMAL";
      if (tweak) tweak(config);
    });
    server_->add_user(kNurse, "訪問 看護師");
    auto nurse = server_->sign_in(kNurse);
    room_ = server_->open_room(*nurse, "堅牢 花子");
  }

  // A well-behaved client, from start to finish, while an attack runs: it connects, signs in,
  // follows the room, posts, and gets its ack and the room.event of its post, within kWait.
  void expect_responsive(const std::string& during) {
    SCOPED_TRACE(during);
    const auto start = Clock::now();
    try {
      auto c = server_->sign_in(kNurse);
      ok(c->request("room.subscribe", {{"rooms", json::array({json{{"room", room_}}})}}, kWait));
      const auto seq = ok(
          c->request("room.post", {{"room", room_}, {"text", "訪問しました。変わりありません。"}},
                     kWait))["seq"];
      const auto event = next_room_event(*c, kWait);
      ASSERT_FALSE(event.is_null()) << "the post was not delivered";
      EXPECT_EQ(event["seq"], seq);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    EXPECT_LT(Clock::now() - start, kWait);
  }

  // A number from /metrics.
  std::uint64_t metric(const std::string& name) const {
    client::HttpsRequest request;
    request.target = "/metrics";
    const auto response = client::https_request(server_->connect_options(), request);
    const auto at = response.body.find("\n" + name + " ");
    if (at == std::string::npos) {
      ADD_FAILURE() << name << " missing from /metrics";
      return 0;
    }
    return std::stoull(response.body.substr(at + name.size() + 2));
  }

  // Connections open besides the /metrics request that counts them.
  std::uint64_t open_connections() const { return metric("musubi_open_connections") - 1; }

  std::unique_ptr<TestServer> server_;
  std::string room_;
};

TEST_F(HostileClients, HandshakesAndUpgradesThatNeverFinishAreCutAtTheirDeadlines) {
  start();
  std::vector<std::unique_ptr<TcpPeer>> stalled;
  for (int i = 0; i < 100; ++i)  // TCP, then not a byte of TLS
    stalled.push_back(std::make_unique<TcpPeer>(server_->port(), kAttackerAddress));
  for (int i = 0; i < 20; ++i) {  // the start of a ClientHello that announces 512 bytes
    stalled.push_back(std::make_unique<TcpPeer>(server_->port(), kAttackerAddress));
    stalled.back()->send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  }
  // Slowloris: TLS done, then the upgrade request a header line at a time, never its end.
  std::atomic<bool> stop = false;
  std::atomic<int> cut = 0;
  std::vector<std::thread> lorises;
  for (int i = 0; i < 10; ++i) {
    lorises.emplace_back([&] {
      try {
        RawClient c(*server_, {kAttackerAddress});
        c.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        try {
          for (int n = 0; !stop; ++n) {
            c.write("X-Slow-" + std::to_string(n) + ": 1\r\n");
            if (c.readable_within(milliseconds(100))) break;
          }
        } catch (const std::exception&) {  // writing to a socket the server closed
        }
        if (c.wait_eof()) ++cut;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "slow upgrade: " << e.what();
      }
    });
  }
  expect_responsive("while 130 connections hang in TLS and the upgrade");
  for (auto& peer : stalled)
    EXPECT_TRUE(peer->closed_within(kWait)) << "a stalled handshake outlived its deadline";
  // The request deadline holds however steadily the header trickles in.
  EXPECT_TRUE(eventually([&] { return cut == 10; })) << cut << " of 10 slow upgrades cut";
  stop = true;
  for (auto& t : lorises)
    t.join();
  EXPECT_TRUE(eventually([&] { return open_connections() == 0; }));
}

TEST_F(HostileClients, PingFloodsGetPongsWithoutStarvingOthersOrGrowingTheServer) {
  start();
  std::atomic<bool> stop = false;
  // A flood that reads: bursts of a thousand pings, each burst's last one answered.
  std::atomic<int> answered_bursts = 0;
  std::thread reader([&] {
    RawClient c(*server_);
    c.open();
    for (int burst = 0; !stop; ++burst) {
      std::string pings;
      for (int i = 0; i < 999; ++i)
        pings += client_frame(9, "flood");
      const auto last = "burst " + std::to_string(burst);
      c.write(pings + client_frame(9, last));
      for (;;) {
        const auto frame = c.next_frame();
        if (!frame) return;  // no answer in time: the count below tells
        if (frame->opcode == 10 && frame->payload == last) break;
      }
      ++answered_bursts;
    }
  });
  // A flood that never reads, through a small receive window: its pongs cannot leave the server.
  // It signs in first and signs out after its last ping: when the server has carried out the
  // sign-out, it has read every ping before it.
  constexpr int kPingBursts = 200;  // of a thousand: 26 MB, far beyond the socket buffers
  std::atomic<bool> signed_in = false;
  std::atomic<bool> pings_sent = false;
  std::thread silent([&] {
    RawClient c(*server_, {.source = "", .receive_buffer_bytes = 4096});
    c.open();
    signed_in = raw_request(c, 1, "session.sign_in", sign_in_body(kNurse)).value("ok", false);
    const auto ping = client_frame(9, std::string(125, 'p'));  // the largest control payload
    std::string burst;
    for (int i = 0; i < 1000; ++i)
      burst += ping;
    for (int i = 0; i < kPingBursts; ++i)
      c.write(burst);
    c.write(client_frame(1, request_text(2, "session.sign_out")));
    pings_sent = true;
    while (!stop)  // keeps the connection, and whatever the server holds for it, alive
      std::this_thread::sleep_for(milliseconds(20));
  });
  ASSERT_TRUE(eventually([&] { return signed_in.load(); }));
  const std::size_t heap_before = live_heap_bytes();
  expect_responsive("during two ping floods");
  EXPECT_TRUE(eventually([&] { return pings_sent.load(); }, milliseconds(60000)));
  EXPECT_TRUE(
      eventually([&] { return metric("musubi_signed_in_connections") == 0; }, milliseconds(60000)))
      << "the sign-out after the pings was not carried out";
  // Each pong that cannot be sent replaces the one before it (RFC 6455 §5.5.3): queued one per
  // ping, the pongs of 200,000 pings would hold tens of MiB.
  const std::size_t heap_after = live_heap_bytes();
  EXPECT_LT(heap_after, heap_before + 4 * 1024 * 1024)
      << "the heap grew by " << (heap_after - heap_before) / 1024 << " KiB";
  expect_responsive("after 200,000 pings nobody reads");
  EXPECT_TRUE(eventually([&] { return answered_bursts >= 3; }))
      << answered_bursts << " bursts of pings answered";
  stop = true;
  reader.join();
  silent.join();
}

TEST_F(HostileClients, AClientThatNeverReadsIsDroppedWhileOthersGoOn) {
  // Megabytes of one long post, over and over, would swamp the captured-frame schema check.
  ::unsetenv("MUSUBI_FRAME_LOG");
  start([](server::ServerConfig& config) {
    config.limits.send_queue_bytes = 256 * 1024;
    config.limits.requests_per_second = 10000;
    config.limits.request_burst = 10000;
  });
  server_->add_user("sleeper", "眠る 端末");
  auto writer = server_->sign_in(kNurse);
  add_member(*writer, room_, "sleeper");
  // Through a small receive window, so that the server's send queue fills soon after the socket
  // buffers: from here on, nothing reads the sleeper's connection.
  RawClient sleeper(*server_, {.source = "", .receive_buffer_bytes = 4096});
  sleeper.open();
  ASSERT_EQ(raw_request(sleeper, 1, "session.sign_in", sign_in_body("sleeper")).value("ok", false),
            true);
  ASSERT_EQ(
      raw_request(sleeper, 2, "room.subscribe", {{"rooms", json::array({json{{"room", room_}}})}})
          .value("ok", false),
      true);
  ok(writer->request("room.subscribe", {{"rooms", json::array({json{{"room", room_}}})}}));
  ASSERT_EQ(metric("musubi_signed_in_connections"), 2u);
  const std::string long_note = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i)
      s += "あ";  // 30 KB in UTF-8: a long but valid post
    return s;
  }();
  bool dropped = false;
  for (int i = 0; i < 1000 && !dropped; ++i) {
    const auto seq = post(*writer, room_, long_note);
    const auto event = next_room_event(*writer);
    ASSERT_FALSE(event.is_null()) << "post " << i << " was not delivered to its author";
    ASSERT_EQ(event["seq"], seq);
    if (i % 10 == 9) dropped = metric("musubi_signed_in_connections") == 1;
  }
  EXPECT_TRUE(dropped || eventually([&] { return metric("musubi_signed_in_connections") == 1; }))
      << "the server still holds the connection that never reads";
  EXPECT_TRUE(sleeper.wait_eof());
  expect_responsive("after a slow consumer was dropped");
}

TEST_F(HostileClients, ThousandsOfConnectionsFromOneAddressAreCappedBeforeTls) {
  constexpr int kCap = 50;
  constexpr int kCrowd = 2000;
  allow_open_files(2 * kCrowd + 200);
  start([](server::ServerConfig& config) {
    config.limits.max_connections_per_address = kCap;
    config.timeouts.tls_handshake_seconds = 30;  // the connections within the cap stay
  });
  std::vector<std::unique_ptr<TcpPeer>> crowd;
  for (int i = 0; i < kCrowd; ++i)
    crowd.push_back(std::make_unique<TcpPeer>(server_->port(), kAttackerAddress));
  expect_responsive("while 2000 connections come from one other address");
  // Everything beyond the cap is closed at once, before a byte of TLS.
  EXPECT_TRUE(eventually([&] {
    return metric("musubi_refused_connections_total") == kCrowd - kCap;
  })) << metric("musubi_refused_connections_total");
  std::vector<bool> seen_closed(crowd.size(), false);
  int closed = 0;
  EXPECT_TRUE(eventually([&] {
    for (std::size_t i = 0; i < crowd.size(); ++i) {
      if (!seen_closed[i] && crowd[i]->closed_within(milliseconds(0))) {
        seen_closed[i] = true;
        ++closed;
      }
    }
    return closed == kCrowd - kCap;
  })) << closed
      << " closed";
  EXPECT_TRUE(eventually([&] { return open_connections() == kCap; })) << open_connections();
  EXPECT_EQ(closed, kCrowd - kCap) << "the connections within the cap are kept";
  // Places are given back when connections end: the address may connect again.
  crowd.clear();
  EXPECT_TRUE(eventually([&] { return open_connections() == 0; }));
  RawClient again(*server_, {kAttackerAddress});
  again.open();
}

TEST_F(HostileClients, HugeAndDeeplyNestedJsonAreRefusedCheaply) {
  start();
  // A frame that announces 16 MiB: refused from its header, before its payload is read.
  {
    RawClient c(*server_);
    c.open();
    c.write(client_frame_header(1, 16 << 20) + std::string(4096, ' '));
    const auto close = c.next_frame();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->opcode, 8);
    EXPECT_EQ(close->close_code(), 1009);
  }
  // A message over the limit in fragments each under it.
  {
    RawClient c(*server_);
    c.open();
    const std::string part(30000, ' ');
    c.write(client_frame(1, "[" + part, false) + client_frame(0, part, false) +
            client_frame(0, part + "]", true));
    const auto close = c.next_frame();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->opcode, 8);
    EXPECT_EQ(close->close_code(), 1009);
  }
  // Nesting: an error reply, then close 1008, whether the brackets stand alone or deep in a
  // request; counted before parsing, so no parser recursion ever sees them.
  const std::string deep_array = std::string(30000, '[') + std::string(30000, ']');
  std::string deep_body = R"({"id": 1, "op": "room.post", "body": {"room": "r", "text": )";
  deep_body += std::string(17, '[') + std::string(17, ']') + "}}";
  for (const auto& frame : {deep_array, deep_body}) {
    RawClient c(*server_);
    c.open();
    c.write(client_frame(1, frame));
    const auto reply = c.next_frame();
    ASSERT_TRUE(reply);
    const auto body = json::parse(reply->payload);
    EXPECT_EQ(body["error"]["code"], "too_deep") << reply->payload;
    EXPECT_TRUE(body["id"].is_null());
    const auto close = c.next_frame();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->close_code(), 1008);
  }
  // The same attacks without pause, from many connections, while a good client goes about its
  // business.
  std::atomic<bool> stop = false;
  std::atomic<int> refused = 0;
  std::thread attacker([&] {
    const auto deep = client_frame(1, deep_array);
    const auto huge = client_frame_header(1, 16 << 20);
    try {
      for (int n = 0; !stop; ++n) {
        RawClient c(*server_, {kAttackerAddress});
        c.open();
        c.write(n % 2 == 0 ? deep : huge);
        for (auto frame = c.next_frame(); frame; frame = c.next_frame()) {
          if (frame->opcode == 8) {
            ++refused;
            break;
          }
        }
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "attacker: " << e.what();
    }
  });
  const std::size_t heap_before = live_heap_bytes();
  for (int i = 0; i < 3; ++i)
    expect_responsive("while huge and deep frames keep coming");
  EXPECT_TRUE(eventually([&] { return refused >= 10; })) << refused << " attacks refused";
  stop = true;
  attacker.join();
  EXPECT_TRUE(eventually([&] { return open_connections() == 0; }));
  const std::size_t heap_after = live_heap_bytes();
  EXPECT_LT(heap_after, heap_before + 4 * 1024 * 1024)
      << "the heap grew by " << (heap_after - heap_before) / 1024 << " KiB";
}

}  // namespace
}  // namespace musubi::testing
