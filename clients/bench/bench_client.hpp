#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openssl/types.h>

#include "server/websocket/frame_reader.hpp"

namespace musubi::bench {

// Where and how the bench clients connect.
struct Target {
  boost::asio::ip::tcp::endpoint server;
  std::string host;  // for SNI, certificate verification and the Host header
  std::string path = "/ws";
  boost::asio::ssl::context* tls = nullptr;
};

// A room to follow, from `after` (nullopt: from now on).
struct Subscription {
  std::string room;
  std::optional<std::int64_t> after;
};

// One simulated user's device: TCP from a chosen source address, TLS, the WebSocket upgrade,
// session.resume with the user's token and room.subscribe (unless it follows no room); then every
// frame goes to `on_frame`. Without a token it is ready, signed out, once welcomed.
// Single-threaded: everything runs on the io_context's one thread.
//
// It speaks TLS and WebSocket itself, lean rather than general: OpenSSL reads and writes straight
// on the non-blocking socket (Asio only reporting readiness), each wake-up reads every record
// that has arrived into one scratch buffer shared by all clients, and the server's frames are
// parsed where they lie. One core carries ten thousand of these clients, so that what the
// benchmark measures is the server, not the load generator's own queue (docs/PERFORMANCE.md).
class BenchClient : public std::enable_shared_from_this<BenchClient> {
 public:
  struct Handlers {
    std::function<void(BenchClient&)> on_ready;  // signed in and subscribed
    std::function<void(BenchClient&, std::string_view frame)> on_frame;
    std::function<void(BenchClient&, const std::string& why)> on_failed;  // setup or later
  };

  BenchClient(boost::asio::io_context& ioc, const Target& target, int id, std::string token,
              std::vector<Subscription> rooms, const Handlers& handlers);

  // Connects from `source` (any address when unspecified).
  void start(const boost::asio::ip::address& source);
  // Queues a text frame and writes what the socket takes. Before the WebSocket is open (welcomed)
  // it fails the client instead.
  void send(std::string_view text);
  // A normal close (1000); on_failed is not called for it.
  void close();

  int id() const { return id_; }  // its index in the fleet
  bool ready() const { return ready_; }
  // Each subscribed room with the seq after which the server delivers it: the cursor the
  // client gave, or the room's last seq from the subscribe reply.
  const std::vector<std::pair<std::string, std::int64_t>>& subscribed() const {
    return subscribed_;
  }
  std::int64_t next_request_id() { return ++last_request_id_; }

 private:
  enum class Step { connecting, tls, upgrade, welcome, resume, subscribe, live, closed };
  enum class Want { read, write };
  struct SslFree {
    void operator()(SSL* ssl) const;
  };
  class FrameSink;

  void fail(const std::string& what);
  void handshake();
  void on_readable();
  // The 101 response, once it has all arrived at the start of `received`: the bytes it took, or
  // 0 (when incomplete, or when it failed the client).
  std::size_t take_upgrade_response(std::string_view received);
  // False when the client is done with reading (closed, failed).
  bool on_message(const server::websocket::Message& message);
  void on_setup_frame(std::string_view frame);
  void become_live();
  void queue_frame(server::websocket::Opcode opcode, std::string_view payload);
  void flush();
  void await(Want want, void (BenchClient::*then)());

  // On the io_context's own executor type rather than any_io_executor: every wait of every
  // delivery would otherwise go through its type erasure.
  using Executor = boost::asio::io_context::executor_type;
  boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor> socket_;
  boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                    boost::asio::wait_traits<std::chrono::steady_clock>, Executor>
      setup_deadline_;
  std::unique_ptr<SSL, SslFree> ssl_;
  server::websocket::FrameReader frames_;
  const Target& target_;
  const int id_;
  const std::string token_;
  const std::vector<Subscription> rooms_;
  const Handlers& handlers_;
  std::string upgrade_key_;
  std::string pending_;  // bytes received but not yet a whole frame (or the whole 101 response)
  std::string out_;      // framed bytes not yet taken by the socket
  std::uint32_t mask_state_ = 1;  // xorshift32: the masking keys
  bool writing_ = false;          // waiting for the socket to take out_
  bool closing_ = false;  // the close frame is queued: the socket closes once out_ is written
  bool ready_ = false;
  Step step_ = Step::connecting;
  std::vector<std::pair<std::string, std::int64_t>> subscribed_;
  std::int64_t last_request_id_ = 100;  // lower ids are the setup requests
};

}  // namespace musubi::bench
