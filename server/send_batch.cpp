#include "server/send_batch.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <liburing.h>
#include <string>
#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "server/dispatch_here.hpp"

namespace musubi::server {

namespace {

constexpr unsigned kRingEntries = 256;
// The memory a batch keeps for the next: a commit's deliveries at 5,000 posts/s take about 30 KB.
constexpr std::size_t kBlockBytes = std::size_t{64} * 1024;
// Emptied batches kept for the next drains: one per drain running at once.
constexpr std::size_t kSpareBatches = 4;
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

void SendBatch::write_later(std::shared_ptr<BatchedSender> sender) {
  std::lock_guard lock(mutex_);
  writers_.push_back(std::move(sender));
  post_drain();
}

void SendBatch::add(int fd, std::string_view bytes, std::shared_ptr<BatchedSender> sender) {
  std::lock_guard lock(mutex_);
  pending_.entries.push_back(Entry{fd, pending_.bytes.copy(bytes), std::move(sender)});
  post_drain();
}

void SendBatch::post_drain() {
  // Posted, not run: whatever else this turn adds goes in the same batch.
  if (drain_posted_) return;
  drain_posted_ = true;
  boost::asio::post(executor_, [this] { drain(); });
}

void SendBatch::drain() {
  // First the writers: what they seal now joins this batch (drain_posted_ stays set meanwhile).
  std::vector<std::shared_ptr<BatchedSender>> writers;
  {
    std::lock_guard lock(mutex_);
    writers.swap(spare_writers_);
    writers.swap(writers_);
  }
  for (auto& writer : writers) {
    auto executor = writer->executor();
    dispatch_here(executor, [writer = std::move(writer)] { writer->write_queued(); });
  }
  writers.clear();
  Batch batch;
  {
    std::lock_guard lock(mutex_);
    if (writers.capacity() > spare_writers_.capacity()) spare_writers_.swap(writers);
    if (!spare_batches_.empty()) {
      batch = std::move(spare_batches_.back());
      spare_batches_.pop_back();
    }
    std::swap(batch, pending_);
    // Writers added since (from another thread) need a drain of their own.
    drain_posted_ = false;
    if (!writers_.empty()) post_drain();
  }
  send(batch);
  for (auto& entry : batch.entries)
    report(entry);
  batch.entries.clear();
  batch.bytes.clear();
  std::lock_guard lock(mutex_);
  if (spare_batches_.size() < kSpareBatches) spare_batches_.push_back(std::move(batch));
}

void SendBatch::send(Batch& batch) {
  auto& entries = batch.entries;
  for (std::size_t i = 0; i < entries.size(); i += kRingEntries) {
    const std::size_t count = std::min<std::size_t>(kRingEntries, entries.size() - i);
    if (mode_ != Mode::io_uring || !send_through_ring(&entries[i], count)) {
      send_each(&entries[i], count);
    }
  }
}

void SendBatch::report(Entry& entry) {
  const long result = entry.result;
  const std::string_view unsent =
      result < 0
          ? entry.bytes
          : entry.bytes.substr(std::min(static_cast<std::size_t>(result), entry.bytes.size()));
  auto executor = entry.sender->executor();
  if (running_here(executor)) {
    entry.sender->sent(result, unsent);  // the bytes are still the batch's
    return;
  }
  boost::asio::dispatch(executor, [sender = std::move(entry.sender), result,
                                   unsent = std::string(unsent)] { sender->sent(result, unsent); });
}

std::string_view SendBatch::Bytes::copy(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (!blocks_.empty() && blocks_[current_].size - used_ < bytes.size()) {
    ++current_;
    used_ = 0;
  }
  if (current_ == blocks_.size()) {
    const std::size_t size = std::max(kBlockBytes, bytes.size());
    blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(size), size});
  }
  char* at = blocks_[current_].data.get() + used_;
  std::memcpy(at, bytes.data(), bytes.size());
  used_ += bytes.size();
  return {at, bytes.size()};
}

void SendBatch::Bytes::clear() {
  // A first block larger than usual (one big record) is not kept either.
  const bool keep_first = !blocks_.empty() && blocks_.front().size == kBlockBytes;
  blocks_.resize(keep_first ? 1 : 0);
  current_ = 0;
  used_ = 0;
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
