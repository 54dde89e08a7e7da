#include "server/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/http_session.hpp"
#include "server/log.hpp"

namespace musubi::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, net::ssl::context& tls, const tcp::endpoint& endpoint,
                   Services& services, LiveSockets& live)
    : ioc_(ioc), tls_(tls), acceptor_(net::make_strand(ioc)), services_(services), live_(live) {
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
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_), boost::beast::bind_front_handler(
                                                     &Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // EMFILE and friends: log and keep accepting; the listener must not die of a busy moment.
    MUSUBI_LOG(warn) << "listener: accept failed: " << ec.message();
  } else {
    socket.set_option(tcp::no_delay(true));
    std::make_shared<HttpSession>(std::move(socket), tls_, services_, live_)->run();
  }
  do_accept();
}

}  // namespace musubi::server
