#include "server/listener.hpp"

#include <exception>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/http_session.hpp"
#include "server/log.hpp"

namespace musubi::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, net::ssl::context& tls, const tcp::endpoint& endpoint,
                   Services& services, LiveSockets& live, ConnectionsPerAddress& peers,
                   bool strand_per_connection)
    : ioc_(ioc),
      tls_(tls),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      services_(services),
      live_(live),
      peers_(peers),
      strand_per_connection_(strand_per_connection) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

tcp::endpoint Listener::local_endpoint() const {
  return acceptor_.local_endpoint();
}

void Listener::start() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::do_accept() {
  const auto executor = strand_per_connection_ ? net::any_io_executor(net::make_strand(ioc_))
                                               : net::any_io_executor(ioc_.get_executor());
  acceptor_.async_accept(
      executor, boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // EMFILE and friends: the listener must not die of a busy moment, nor spin on it.
    MUSUBI_LOG(warn) << "listener: accept failed: " << ec.message();
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
    });
    return;
  }
  try {
    admit(std::move(socket));
  } catch (const std::exception& e) {
    // Out of memory for this connection (SSL_new, its BIO, the per-address count): it is
    // dropped, and the listener goes on accepting.
    MUSUBI_LOG(warn) << "listener: could not start a session: " << e.what();
  }
  do_accept();
}

void Listener::admit(tcp::socket socket) {
  boost::system::error_code ignored;  // a peer that already left fails later, on read
  const auto peer = socket.remote_endpoint(ignored);
  std::optional<ConnectionsPerAddress::Slot> slot;
  if (!ignored) slot = peers_.acquire(peer.address());
  if (!slot) {
    // Refused before the TLS handshake, the expensive part: a flood from one host costs an
    // accept and a close. Counted in /metrics, logged only at debug (it would flood the log).
    MUSUBI_LOG(debug) << "listener: refused a connection over the per-address cap";
    socket.close(ignored);
    return;
  }
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<HttpSession>(std::move(socket), tls_, services_, live_, std::move(*slot))->run();
}

}  // namespace musubi::server
