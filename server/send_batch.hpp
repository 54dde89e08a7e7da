#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace musubi::server {

// Whoever handed a send to a SendBatch and hears how it went.
class BatchedSender {
 public:
  virtual ~BatchedSender() = default;
  // Where sent() runs (the sender's strand, or the io_context with one network thread).
  virtual boost::asio::any_io_executor executor() = 0;
  // `result`: the bytes the socket took (possibly fewer than offered), or minus errno.
  virtual void sent(long result) = 0;
};

// The sends of one turn of the event loop, made with one system call. A post fans out to every
// member's connection, one send each, and in this VM a system call costs microseconds before it
// does any work; io_uring takes all the turn's sends in one io_uring_enter. Each send is
// non-blocking (MSG_DONTWAIT), so it completes inside that call with what the socket took, exactly
// as send() would: a socket that is full reports EAGAIN and its sender waits for room itself.
//
// Where io_uring is not available (an old kernel, io_uring_disabled, a seccomp filter), the same
// batch is sent with one send() each.
class SendBatch {
 public:
  enum class Mode { io_uring, send };

  // Drains on `executor`. With Mode::send, io_uring is never tried.
  explicit SendBatch(boost::asio::any_io_executor executor, Mode preferred = Mode::io_uring);
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  Mode mode() const { return mode_; }

  // Sends `bytes` on socket `fd` later in this turn, then calls sender->sent() on its executor.
  // `bytes` and `fd` must stay valid until then; `sender` is kept alive until then.
  void add(int fd, std::string_view bytes, std::shared_ptr<BatchedSender> sender);

 private:
  struct Entry {
    int fd = -1;
    std::string_view bytes;
    std::shared_ptr<BatchedSender> sender;
    long result = 0;
  };

  void drain();
  static void send_each(Entry* entries, std::size_t count);
  // False if this thread's ring cannot be used: nothing was sent.
  static bool send_through_ring(Entry* entries, std::size_t count);

  boost::asio::any_io_executor executor_;
  Mode mode_;
  std::mutex mutex_;
  std::vector<Entry> pending_;
  bool drain_posted_ = false;
};

}  // namespace musubi::server
