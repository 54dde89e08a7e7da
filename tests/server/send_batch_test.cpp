#include "server/send_batch.hpp"

#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

// SendBatch on real loopback TCP sockets, through io_uring and through send().
namespace musubi::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kWait = std::chrono::seconds(10);

// Records what its send came to, and whether it heard on its own executor: the io_context's, or a
// strand of its own (as with several network threads).
class Recorder : public BatchedSender {
 public:
  explicit Recorder(net::io_context& io, bool own_strand = false)
      : io_(io), strand_(net::make_strand(io)), own_strand_(own_strand) {}
  net::any_io_executor executor() override {
    return own_strand_ ? net::any_io_executor(strand_) : net::any_io_executor(io_.get_executor());
  }
  void write_queued() override {
    ++writes;
    if (on_write) on_write();
  }
  void sent(long outcome, std::string_view rest) override {
    on_executor = own_strand_ ? strand_.running_in_this_thread()
                              : io_.get_executor().running_in_this_thread();
    result = outcome;
    unsent = rest;
    reported = true;
  }

  std::function<void()> on_write;
  int writes = 0;
  bool reported = false;
  bool on_executor = false;
  long result = 0;
  std::string unsent;

 private:
  net::io_context& io_;
  net::strand<net::io_context::executor_type> strand_;
  bool own_strand_;
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
  const std::string big(std::size_t{1024} * 1024, 'x');
  auto first = std::make_shared<Recorder>(io_);
  batch_.add(pair.ours.native_handle(), big, first);
  ASSERT_TRUE(run_until_reported({first}));
  // Never blocks: what the socket had room for.
  EXPECT_GT(first->result, 0);
  EXPECT_LT(first->result, static_cast<long>(big.size()));
  EXPECT_EQ(first->unsent.size(), big.size() - static_cast<std::size_t>(first->result));
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

TEST_P(SendBatchTest, TheBytesAreCopiedWhenAdded) {
  Pair pair = connect();
  std::string message = "what was meant";
  auto recorder = std::make_shared<Recorder>(io_);
  batch_.add(pair.ours.native_handle(), message, recorder);
  message.assign(message.size(), '?');  // the caller's buffer is reused before the send
  ASSERT_TRUE(run_until_reported({recorder}));
  EXPECT_EQ(recorder->result, static_cast<long>(message.size()));
  EXPECT_EQ(recorder->unsent, "");
  std::string got(message.size(), '\0');
  net::read(pair.theirs, net::buffer(got));
  EXPECT_EQ(got, "what was meant");
}

TEST_P(SendBatchTest, WritersWriteAtTheTurnsEndAndTheirRecordsGoInTheSameDrain) {
  std::vector<Pair> pairs;
  std::vector<std::shared_ptr<Recorder>> recorders;
  for (int i = 0; i < 3; ++i) {
    pairs.push_back(connect());
    recorders.push_back(std::make_shared<Recorder>(io_));
    recorders[i]->on_write = [&, i] {
      batch_.add(pairs[i].ours.native_handle(), "frame " + std::to_string(i), recorders[i]);
    };
  }
  for (const auto& r : recorders)
    batch_.write_later(r);
  EXPECT_EQ(recorders[0]->writes, 0) << "written inside write_later(), not at the turn's end";
  // One handler, the drain: the writers write, and what they add is sent and reported in it.
  io_.restart();
  EXPECT_EQ(io_.run_one(), 1u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(recorders[i]->writes, 1);
    EXPECT_TRUE(recorders[i]->reported);
    EXPECT_EQ(recorders[i]->result, 7);
    std::string got(7, '\0');
    net::read(pairs[i].theirs, net::buffer(got));
    EXPECT_EQ(got, "frame " + std::to_string(i));
  }
  EXPECT_EQ(io_.poll(), 0u) << "nothing left for another turn";
}

TEST_P(SendBatchTest, ASenderOnAStrandHearsOnItAndGetsACopyOfWhatWasNotSent) {
  Pair pair = connect();
  pair.ours.set_option(net::socket_base::send_buffer_size(4096));
  pair.theirs.set_option(net::socket_base::receive_buffer_size(4096));
  std::string big(std::size_t{1024} * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  auto recorder = std::make_shared<Recorder>(io_, /*own_strand=*/true);
  batch_.add(pair.ours.native_handle(), big, recorder);
  ASSERT_TRUE(run_until_reported({recorder}));
  EXPECT_TRUE(recorder->on_executor);
  ASSERT_GT(recorder->result, 0);
  EXPECT_EQ(recorder->unsent, big.substr(static_cast<std::size_t>(recorder->result)));
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
