#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace musubi::server {

// Whoever writes through a SendBatch.
class BatchedSender {
 public:
  virtual ~BatchedSender() = default;
  // Where write_queued() and sent() run (the sender's strand, or the io_context with one network
  // thread).
  virtual boost::asio::any_io_executor executor() = 0;
  // The end of the turn in which write_later() was called: write what was queued meanwhile.
  virtual void write_queued() = 0;
  // How the send of add() went. `result`: the bytes the socket took (possibly fewer than offered),
  // or minus errno. `unsent`: the bytes it did not take (all of them on an error), valid only
  // during the call.
  virtual void sent(long result, std::string_view unsent) = 0;
};

// The writes of one turn of the event loop. A post fans out to every member's connection: each
// queues its frame, and writes whatever it queued in that turn at the turn's end, so that frames
// meeting in one connection's queue share a record; then every connection's record goes out with
// one system call. In this VM a system call costs microseconds before it does any work, and
// io_uring takes all the turn's sends in one io_uring_enter. Each send is non-blocking
// (MSG_DONTWAIT), so it completes inside that call with what the socket took, exactly as send()
// would: a socket that is full reports EAGAIN and its sender waits for room itself.
//
// Nothing here allocates under a steady load: the lists and the memory the records are copied
// into are kept from one turn to the next (all but the first block of memory, after a turn that
// needed more).
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

  // Calls sender->write_queued() at the end of this turn, on its executor; once per call.
  void write_later(std::shared_ptr<BatchedSender> sender);

  // Sends a copy of `bytes` on socket `fd` at the end of this turn, then calls sender->sent() on
  // its executor. `fd` must stay open until then; `sender` is kept alive until then.
  void add(int fd, std::string_view bytes, std::shared_ptr<BatchedSender> sender);

 private:
  struct Entry {
    int fd = -1;
    std::string_view bytes;  // in the batch's Bytes
    std::shared_ptr<BatchedSender> sender;
    long result = 0;
  };

  // Memory the batch's records are copied into. Blocks never move, so views into them stay valid
  // until clear(), which keeps the first block for the next batch.
  class Bytes {
   public:
    std::string_view copy(std::string_view bytes);
    void clear();

   private:
    struct Block {
      std::unique_ptr<char[]> data;
      std::size_t size = 0;
    };
    std::vector<Block> blocks_;
    std::size_t current_ = 0;  // the block being filled
    std::size_t used_ = 0;     // of it
  };

  struct Batch {
    std::vector<Entry> entries;
    Bytes bytes;
  };

  void post_drain();  // unless one is posted; with mutex_ held
  void drain();
  void send(Batch& batch);
  static void send_each(Entry* entries, std::size_t count);
  // False if this thread's ring cannot be used: nothing was sent.
  static bool send_through_ring(Entry* entries, std::size_t count);
  static void report(Entry& entry);

  boost::asio::any_io_executor executor_;
  Mode mode_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<BatchedSender>> writers_;
  Batch pending_;
  // What a drain took, emptied, for the next drain to take in turn: their capacity is kept.
  std::vector<std::shared_ptr<BatchedSender>> spare_writers_;
  std::vector<Batch> spare_batches_;
  bool drain_posted_ = false;
};

}  // namespace musubi::server
