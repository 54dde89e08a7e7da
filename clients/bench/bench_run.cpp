#include "clients/bench/bench_run.hpp"

#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include "clients/client/tls_setup.hpp"

namespace musubi::bench {

namespace net = boost::asio;

BenchRun::BenchRun(const RunOptions& options)
    : options_(options),
      dataset_(load_dataset(dataset_file(options.data_dir))),
      tls_(net::ssl::context::tls_client),
      sources_(SourceAddresses::parse(options.sources)) {
  client::TlsOptions tls;
  tls.ca_file = (options.data_dir / "tls" / "cert.pem").string();
  client::configure_tls(tls_, tls, options.host);
  boost::system::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) throw std::runtime_error("--host must be an IP address: " + options.host);
  target_.server = net::ip::tcp::endpoint(address, options.port);
  target_.host = options.host;
  target_.tls = &tls_;
  handlers_.on_ready = [this](BenchClient& c) {
    --in_flight_;
    ++ready_;
    setup_latency_.add(now_ns() - started_ns_[c.id()]);
    if (on_ready_) on_ready_(c);
    launch_next();
  };
  handlers_.on_frame = [this](BenchClient& c, std::string_view frame) {
    if (on_frame_) on_frame_(c, frame);
  };
  handlers_.on_failed = [this](BenchClient& c, const std::string& why) {
    if (first_failure_.empty()) first_failure_ = why;
    if (c.ready()) {
      ++dropped_;
      return;
    }
    --in_flight_;
    ++failed_;
    launch_next();
  };
}

bool BenchRun::run_until(const std::function<bool()>& done, Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    ioc_.restart();
    ioc_.run_one_for(std::chrono::milliseconds(10));
  }
  return true;
}

void BenchRun::run_for(double seconds, const std::function<bool()>& done) {
  run_until(done,
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

void BenchRun::connect(const std::vector<Member>& members, Clock::duration limit) {
  pending_ = members;
  next_ = 0;
  started_ns_.resize(clients_.size() + members.size(), 0);
  ready_ = failed_ = in_flight_ = 0;
  while (in_flight_ < options_.concurrency && next_ < pending_.size())
    launch_next();
  run_until([&] { return ready_ + failed_ == static_cast<int>(pending_.size()); }, limit);
}

void BenchRun::launch_next() {
  if (next_ >= pending_.size()) return;
  const auto& m = pending_[next_++];
  const auto id = static_cast<int>(clients_.size());
  auto client = std::make_shared<BenchClient>(
      ioc_, target_, id, m.signed_out ? std::string() : dataset_.users.at(m.user).token, m.rooms,
      handlers_);
  clients_.push_back(client);
  users_.push_back(m.user);
  started_ns_[id] = now_ns();
  ++in_flight_;
  client->start(sources_.next());
}

void BenchRun::close_all() {
  for (auto& c : clients_)
    c->close();
  run_for(0.2);
}

std::vector<BenchRun::Member> room_members(const std::vector<const BenchRoom*>& rooms,
                                           int per_room) {
  std::vector<BenchRun::Member> out;
  for (const auto* room : rooms) {
    const auto n = std::min<std::size_t>(room->members.size(), static_cast<std::size_t>(per_room));
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(BenchRun::Member{room->members[i], {Subscription{room->id, std::nullopt}}});
  }
  return out;
}

nlohmann::json server_figures(const std::optional<ProcessSample>& before,
                              const std::optional<ProcessSample>& after) {
  if (!after) return nullptr;
  nlohmann::json out{{"rss_kib", after->rss_kib}, {"rss_peak_kib", after->rss_peak_kib}};
  if (before) out["cpu_seconds"] = after->cpu_seconds - before->cpu_seconds;
  return out;
}

}  // namespace musubi::bench
