#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace musubi::server {

// One encoded frame, shared by every recipient (serialize once, send many).
using Frame = std::shared_ptr<const std::string>;

// What a Connection needs from the socket under it. Every call is made on the connection's
// strand (executor()).
class Transport {
 public:
  // Queues a text frame. When the queue would exceed its byte limit, the client is too slow: the
  // transport closes with close_code::slow_consumer instead.
  virtual void send(Frame frame) = 0;
  // Sends what is queued, then a close frame; further sends are dropped. Idempotent.
  virtual void close(unsigned short code, std::string reason) = 0;
  virtual std::size_t queued_bytes() const = 0;
  virtual boost::asio::any_io_executor executor() = 0;
  // Owner of the transport and its connection, for async work that must keep both alive.
  virtual std::shared_ptr<void> keep_alive() = 0;

 protected:
  ~Transport() = default;
};

}  // namespace musubi::server
