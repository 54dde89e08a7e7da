#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

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
  // Queues a text frame; one write is in flight at a time.
  void send(std::string text);
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
  enum class Step { connecting, welcome, resume, subscribe, live, closed };
  void fail(const std::string& what);
  void read();
  void on_read(boost::beast::error_code ec);
  void on_setup_frame(std::string_view frame);
  void become_live();
  void write();

  // On the io_context's own executor type rather than any_io_executor: every read of every
  // delivery would otherwise go through its type erasure.
  using Tcp =
      boost::beast::basic_stream<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;
  boost::beast::websocket::stream<boost::beast::ssl_stream<Tcp>> ws_;
  const Target& target_;
  const int id_;
  const std::string token_;
  const std::vector<Subscription> rooms_;
  const Handlers& handlers_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool ready_ = false;
  Step step_ = Step::connecting;
  std::vector<std::pair<std::string, std::int64_t>> subscribed_;
  std::int64_t last_request_id_ = 100;  // lower ids are the setup requests
};

}  // namespace musubi::bench
