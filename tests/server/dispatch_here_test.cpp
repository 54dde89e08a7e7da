#include "server/dispatch_here.hpp"

#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>

// dispatch_here runs the function at once, without boost::asio::dispatch's allocation, when this
// thread runs the executor: inside the io_context's run(), or inside the strand.
namespace musubi::server {
namespace {

namespace net = boost::asio;

TEST(DispatchHere, RunsAtOnceInsideTheIoContextAndQueuesOutsideIt) {
  net::io_context io;
  const net::any_io_executor executor = io.get_executor();
  std::vector<int> order;
  dispatch_here(executor, [&] { order.push_back(1); });  // not running: queued
  EXPECT_TRUE(order.empty());
  net::post(io, [&] {
    EXPECT_TRUE(running_here(executor));
    dispatch_here(executor, [&] { order.push_back(2); });
    order.push_back(3);  // after the function above: it ran inline
  });
  io.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(running_here(executor));
}

TEST(DispatchHere, RunsAtOnceOnlyInsideTheStrand) {
  net::io_context io;
  const net::any_io_executor strand = net::make_strand(io);
  const net::any_io_executor other = net::make_strand(io);
  std::vector<int> order;
  net::post(io, [&] {
    // On the io_context's thread but in neither strand.
    EXPECT_FALSE(running_here(strand));
    net::post(strand, [&] {
      EXPECT_TRUE(running_here(strand));
      EXPECT_FALSE(running_here(other));
      dispatch_here(strand, [&] { order.push_back(1); });
      order.push_back(2);
    });
  });
  io.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(DispatchHere, AnotherKindOfExecutorIsNeverRunHere) {
  net::thread_pool pool(1);
  const net::any_io_executor executor = pool.get_executor();
  bool ran_inline = true;
  net::post(pool, [&] { ran_inline = running_here(executor); });
  pool.join();
  EXPECT_FALSE(ran_inline) << "only the two kinds musubid uses are recognised";
}

}  // namespace
}  // namespace musubi::server
