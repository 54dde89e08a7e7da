#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace musubi::bench {

// The local addresses connections are made from, in turn. Many loopback addresses (127.0.0.x)
// keep the connection count from being capped by one address's ephemeral ports.
class SourceAddresses {
 public:
  // "" (the system's choice), "127.0.0.1", or a range "127.0.0.1-127.0.0.64". Throws
  // std::invalid_argument.
  static SourceAddresses parse(std::string_view text);

  const boost::asio::ip::address& next();
  std::size_t size() const { return addresses_.size(); }

 private:
  std::vector<boost::asio::ip::address> addresses_;
  std::size_t next_ = 0;
};

}  // namespace musubi::bench
