#include "clients/bench/source_addresses.hpp"

#include <stdexcept>
#include <string>

namespace musubi::bench {

namespace ip = boost::asio::ip;

namespace {

ip::address_v4 v4(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address_v4(std::string(text), ec);
  if (ec) throw std::invalid_argument("not an IPv4 address: " + std::string(text));
  return a;
}

}  // namespace

SourceAddresses SourceAddresses::parse(std::string_view text) {
  SourceAddresses s;
  if (text.empty()) {
    s.addresses_.emplace_back();  // unspecified: the system's choice
    return s;
  }
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    boost::system::error_code ec;
    s.addresses_.push_back(ip::make_address(std::string(text), ec));
    if (ec) throw std::invalid_argument("not an address: " + std::string(text));
    return s;
  }
  const auto first = v4(text.substr(0, dash)).to_uint();
  const auto last = v4(text.substr(dash + 1)).to_uint();
  if (last < first || last - first >= 65536) {
    throw std::invalid_argument("bad address range: " + std::string(text));
  }
  for (auto a = first; a <= last; ++a)
    s.addresses_.emplace_back(ip::address_v4(a));
  return s;
}

const ip::address& SourceAddresses::next() {
  const auto& a = addresses_[next_];
  next_ = (next_ + 1) % addresses_.size();
  return a;
}

}  // namespace musubi::bench
