#include "server/send_batch.hpp"

#include <algorithm>
#include <cerrno>
#include <liburing.h>
#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace musubi::server {

namespace {

constexpr unsigned kRingEntries = 256;
constexpr int kSendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;

// One ring per network thread, made on its first batch: a ring is not shared between threads.
struct Ring {
  io_uring ring{};
  bool ready = false;

  Ring() {
    // SUBMIT_ALL: a send that fails to start must not leave the ones after it in the queue.
    // SINGLE_ISSUER (Linux 6.0) lets the kernel skip locking for a ring only this thread uses.
    ready = io_uring_queue_init(kRingEntries, &ring,
                                IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER) == 0 ||
            io_uring_queue_init(kRingEntries, &ring, IORING_SETUP_SUBMIT_ALL) == 0;
  }
  ~Ring() { close(); }
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  void close() {
    if (ready) io_uring_queue_exit(&ring);
    ready = false;
  }
};

Ring& thread_ring() {
  thread_local Ring ring;
  return ring;
}

// Whether this kernel lets us make a ring and send through it.
bool io_uring_sends_work() {
  io_uring ring{};
  if (io_uring_queue_init(8, &ring, IORING_SETUP_SUBMIT_ALL) != 0) return false;
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  const bool ok = probe != nullptr && io_uring_opcode_supported(probe, IORING_OP_SEND) != 0;
  if (probe != nullptr) io_uring_free_probe(probe);
  io_uring_queue_exit(&ring);
  return ok;
}

}  // namespace

SendBatch::SendBatch(boost::asio::any_io_executor executor, Mode preferred)
    : executor_(std::move(executor)),
      mode_(preferred == Mode::io_uring && io_uring_sends_work() ? Mode::io_uring : Mode::send) {}

void SendBatch::add(int fd, std::string_view bytes, std::shared_ptr<BatchedSender> sender) {
  bool post = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(Entry{fd, bytes, std::move(sender)});
    post = !drain_posted_;
    drain_posted_ = true;
  }
  // Posted, not run: whatever else this turn adds goes in the same batch.
  if (post) boost::asio::post(executor_, [this] { drain(); });
}

void SendBatch::drain() {
  std::vector<Entry> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
    drain_posted_ = false;
  }
  for (std::size_t i = 0; i < batch.size(); i += kRingEntries) {
    const std::size_t count = std::min<std::size_t>(kRingEntries, batch.size() - i);
    if (mode_ != Mode::io_uring || !send_through_ring(&batch[i], count)) {
      send_each(&batch[i], count);
    }
  }
  for (auto& entry : batch) {
    auto executor = entry.sender->executor();
    boost::asio::dispatch(executor, [sender = std::move(entry.sender), result = entry.result] {
      sender->sent(result);
    });
  }
}

void SendBatch::send_each(Entry* entries, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    Entry& e = entries[i];
    const auto n = ::send(e.fd, e.bytes.data(), e.bytes.size(), kSendFlags);
    e.result = n >= 0 ? static_cast<long>(n) : -static_cast<long>(errno);
  }
}

bool SendBatch::send_through_ring(Entry* entries, std::size_t count) {
  Ring& ring = thread_ring();
  if (!ring.ready) return false;
  for (std::size_t i = 0; i < count; ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring.ring);
    if (sqe == nullptr) {  // cannot happen: the ring is empty between batches
      ring.close();
      return false;
    }
    io_uring_prep_send(sqe, entries[i].fd, entries[i].bytes.data(), entries[i].bytes.size(),
                       kSendFlags);
    sqe->user_data = i;
    entries[i].result = -EIO;  // until its completion says otherwise
  }
  int submitted = 0;
  do {  // -EINTR: interrupted before anything was taken
    submitted = io_uring_submit_and_wait(&ring.ring, static_cast<unsigned>(count));
  } while (submitted == -EINTR);
  if (submitted < 0) {
    // Nothing was taken; closing the ring drops what is queued in it. Sent the old way instead.
    ring.close();
    return false;
  }
  const auto taken = static_cast<std::size_t>(submitted);  // in order, from the first
  for (std::size_t reaped = 0; reaped < taken;) {
    io_uring_cqe* cqe = nullptr;
    const int rc = io_uring_wait_cqe(&ring.ring, &cqe);
    if (rc == -EINTR) continue;
    if (rc < 0) {
      // The ring is broken. Closing it waits for, or cancels, whatever the kernel still holds,
      // so that no send reads a buffer after its sender has heard back (with -EIO).
      ring.close();
      break;
    }
    if (cqe->user_data < count) entries[cqe->user_data].result = cqe->res;
    io_uring_cqe_seen(&ring.ring, cqe);
    ++reaped;
  }
  if (taken < count) {
    // Not expected with SUBMIT_ALL; the ring must not send the rest later on its own.
    ring.close();
    send_each(entries + taken, count - taken);
  }
  return true;
}

}  // namespace musubi::server
