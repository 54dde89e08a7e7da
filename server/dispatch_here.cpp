#include "server/dispatch_here.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace musubi::server {

namespace net = boost::asio;

bool running_here(const net::any_io_executor& executor) {
  // The two kinds of executor musubid's sockets and handlers use (Listener::do_accept).
  if (const auto* io = executor.target<net::io_context::executor_type>()) {
    return io->running_in_this_thread();
  }
  if (const auto* strand = executor.target<net::strand<net::io_context::executor_type>>()) {
    return strand->running_in_this_thread();
  }
  return false;
}

}  // namespace musubi::server
