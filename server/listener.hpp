#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "server/connections_per_address.hpp"
#include "server/live_sockets.hpp"
#include "server/services.hpp"

namespace musubi::server {

// Accepts TCP connections and gives each an HttpSession, on a strand of its own when several
// network threads run. A peer over its connection cap is closed at once, before any TLS work.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens; throws boost::system::system_error (address in use, permission).
  Listener(boost::asio::io_context& ioc, boost::asio::ssl::context& tls,
           const boost::asio::ip::tcp::endpoint& endpoint, Services& services, LiveSockets& live,
           ConnectionsPerAddress& peers, bool strand_per_connection);

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void stop();  // thread-safe: stops accepting

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  // Gives `socket` an HttpSession, or closes it when its peer is over the cap. Throws
  // std::bad_alloc when there is no memory for the session.
  void admit(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ssl::context& tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // after a failed accept (EMFILE): no busy loop
  Services& services_;
  LiveSockets& live_;
  ConnectionsPerAddress& peers_;
  const bool strand_per_connection_;
};

}  // namespace musubi::server
