#pragma once

#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/dispatch.hpp>

namespace musubi::server {

// Whether `executor` (an io_context's, or a strand on one) would run a dispatched function here
// and now: this thread runs the io_context, or is inside the strand.
bool running_here(const boost::asio::any_io_executor& executor);

// boost::asio::dispatch without its allocation when the function runs at once. On an
// any_io_executor, dispatch wraps the function in a heap-allocated handler even when it then
// calls it inline, and a commit's fan-out dispatches once per delivery.
template <class F>
void dispatch_here(const boost::asio::any_io_executor& executor, F&& f) {
  if (running_here(executor)) {
    std::forward<F>(f)();
    return;
  }
  boost::asio::dispatch(executor, std::forward<F>(f));
}

}  // namespace musubi::server
