#include "server/send_batch.hpp"

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <gtest/gtest.h>

// SendBatch on real loopback TCP sockets, through io_uring and through send().
namespace musubi::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kWait = std::chrono::seconds(10);

// Records what its send came to, and on which thread's io_context it heard.
class Recorder : public BatchedSender {
 public:
  explicit Recorder(net::io_context& io) : io_(io) {}
  net::any_io_executor executor() override { return io_.get_executor(); }
  void sent(long outcome) override {
    on_executor = io_.get_executor().running_in_this_thread();
    result = outcome;
    reported = true;
  }

  bool reported = false;
  bool on_executor = false;
  long result = 0;

 private:
  net::io_context& io_;
};

struct Pair {
  tcp::socket ours;
  tcp::socket theirs;
};

class SendBatchTest : public ::testing::TestWithParam<SendBatch::Mode> {
 protected:
  SendBatchTest() : batch_(io_.get_executor(), GetParam()) {
    acceptor_.open(tcp::v4());
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
  }

  void SetUp() override {
    if (GetParam() == SendBatch::Mode::io_uring && batch_.mode() != SendBatch::Mode::io_uring) {
      GTEST_SKIP() << "io_uring is not available on this machine";
    }
    EXPECT_EQ(batch_.mode(), GetParam());
  }

  Pair connect() {
    tcp::socket theirs(io_);
    theirs.connect(acceptor_.local_endpoint());
    tcp::socket ours = acceptor_.accept();
    return Pair{std::move(ours), std::move(theirs)};
  }

  // Runs the io_context until every recorder has heard back, at most kWait.
  bool run_until_reported(const std::vector<std::shared_ptr<Recorder>>& recorders) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    io_.restart();
    for (;;) {
      bool all = true;
      for (const auto& r : recorders)
        all = all && r->reported;
      if (all) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.run_one_for(std::chrono::milliseconds(100));
    }
  }

  net::io_context io_;
  tcp::acceptor acceptor_{io_};
  SendBatch batch_;
};

TEST_P(SendBatchTest, EverySendOfATurnArrivesAndIsReportedOnTheSendersExecutor) {
  // More than one ring's worth (256), so that the batch is sent in parts.
  constexpr int kConnections = 300;
  std::vector<Pair> pairs;
  std::vector<std::string> messages;
  std::vector<std::shared_ptr<Recorder>> recorders;
  for (int i = 0; i < kConnections; ++i) {
    pairs.push_back(connect());
    messages.push_back("message " + std::to_string(i) +
                       std::string(static_cast<std::size_t>(i), '.'));
    recorders.push_back(std::make_shared<Recorder>(io_));
  }
  for (int i = 0; i < kConnections; ++i) {
    batch_.add(pairs[i].ours.native_handle(), messages[i], recorders[i]);
  }
  EXPECT_FALSE(recorders[0]->reported) << "sent inside add(), not at the end of the turn";
  ASSERT_TRUE(run_until_reported(recorders));
  for (int i = 0; i < kConnections; ++i) {
    EXPECT_EQ(recorders[i]->result, static_cast<long>(messages[i].size()));
    EXPECT_TRUE(recorders[i]->on_executor);
    std::string got(messages[i].size(), '\0');
    net::read(pairs[i].theirs, net::buffer(got));
    EXPECT_EQ(got, messages[i]);
  }
}

TEST_P(SendBatchTest, AFullSocketTakesPartThenNothing) {
  Pair pair = connect();
  pair.ours.set_option(net::socket_base::send_buffer_size(4096));
  pair.theirs.set_option(net::socket_base::receive_buffer_size(4096));
  const std::string big(std::size_t{8} * 1024 * 1024, 'x');
  auto first = std::make_shared<Recorder>(io_);
  batch_.add(pair.ours.native_handle(), big, first);
  ASSERT_TRUE(run_until_reported({first}));
  // Never blocks: what the socket had room for.
  EXPECT_GT(first->result, 0);
  EXPECT_LT(first->result, static_cast<long>(big.size()));
  // Then, as the loopback moves what it can into the peer's buffer, less and less, until
  // nothing: EAGAIN, never a wait.
  long last = first->result;
  for (int i = 0; i < 1000 && last > 0; ++i) {
    auto next = std::make_shared<Recorder>(io_);
    batch_.add(pair.ours.native_handle(), big, next);
    ASSERT_TRUE(run_until_reported({next}));
    last = next->result;
  }
  EXPECT_EQ(last, -EAGAIN);
}

TEST_P(SendBatchTest, ASendToAPeerThatIsGoneReportsTheErrorWithoutASignal) {
  Pair pair = connect();
  pair.theirs.set_option(net::socket_base::linger(true, 0));
  pair.theirs.close();  // a reset: the next send fails at once
  const std::string message = "anyone there?";
  std::vector<std::shared_ptr<Recorder>> recorders;
  // The first send may still be accepted before the reset is seen; the later ones fail.
  for (int i = 0; i < 3; ++i) {
    recorders.push_back(std::make_shared<Recorder>(io_));
    batch_.add(pair.ours.native_handle(), message, recorders.back());
    ASSERT_TRUE(run_until_reported({recorders.back()}));
  }
  const long last = recorders.back()->result;
  EXPECT_TRUE(last == -EPIPE || last == -ECONNRESET) << last;
}

INSTANTIATE_TEST_SUITE_P(Modes, SendBatchTest,
                         ::testing::Values(SendBatch::Mode::io_uring, SendBatch::Mode::send),
                         [](const ::testing::TestParamInfo<SendBatch::Mode>& mode) {
                           return mode.param == SendBatch::Mode::io_uring ? "IoUring" : "Send";
                         });

}  // namespace
}  // namespace musubi::server
