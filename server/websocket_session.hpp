#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "server/connection.hpp"
#include "server/connections_per_address.hpp"
#include "server/http_routes.hpp"
#include "server/live_sockets.hpp"
#include "server/send_batch.hpp"
#include "server/tls_socket.hpp"
#include "server/transport.hpp"
#include "server/websocket/frame_reader.hpp"
#include "server/websocket/opcode.hpp"

namespace musubi::server {

// One upgraded WebSocket over TLS: reading and unmasking client frames, the bounded send queue,
// pings and the close handshake. Everything runs on the socket's strand; the protocol itself is the
// Connection's business.
//
// Built for many mostly idle connections and for fan-out: nothing is buffered between reads (the
// socket is read only when it is readable, into a per-thread buffer), frames queued in one turn of
// the event loop go out together in one TLS record and one system call, and a payload shared by
// many recipients is never copied per recipient except into that record.
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession>,
                         public Transport,
                         public Closable,
                         public BatchedSender,
                         private websocket::MessageHandler {
 public:
  WebSocketSession(TlsSocket&& tls, Services& services, LiveSockets& live,
                   ConnectionsPerAddress::Slot slot, std::string peer);
  ~WebSocketSession();

  // Answers the upgrade `request` (already checked by refuse_upgrade) and starts reading;
  // `received` holds whatever the client sent after the request.
  void run(const HttpRequest& request, std::string_view received);

  // Transport.
  void send(Frame frame) override;
  void close(unsigned short code, std::string reason) override;
  std::size_t queued_bytes() const override { return queued_bytes_; }
  boost::asio::any_io_executor executor() override { return tls_.get_executor(); }
  std::shared_ptr<void> keep_alive() override { return shared_from_this(); }

  // Closable.
  void shut_down() override;

  // BatchedSender: the end of the turn in which a frame was queued; the staged record's send went
  // out, in part, or failed.
  void write_queued() override;
  void sent(long result, std::string_view unsent) override;

 private:
  // A frame on its way out: its header made here, its payload shared with other recipients.
  struct Outgoing {
    std::array<char, 10> header{};
    std::uint8_t header_size = 0;
    std::optional<websocket::Opcode> opcode;  // none: raw bytes (the 101 response)
    Frame payload;
    std::size_t size() const { return header_size + payload->size(); }
  };

  void push(websocket::Opcode opcode, Frame payload);
  void push_raw(Frame bytes);  // bytes sent as they are (the 101 response)
  // Queues a pong for `payload`, or lets it replace a pong that is queued and not yet written.
  void answer_ping(std::string_view payload);
  void enqueue(Outgoing out);
  void schedule_flush();
  void flush();
  // Offers the pending write (offered_) again once the socket is ready for `want`.
  void flush_when(TlsSocket::Want want);
  // Seals `size` gathered bytes into a record and hands it to the SendBatch.
  void stage(const char* data, std::size_t size);
  // Copies as much of the queue as one TLS record holds into `out`; returns the byte count.
  std::size_t gather(char* out, std::size_t capacity) const;
  void consume_sent(std::size_t bytes);
  void drop_unsent();

  void read();
  void read_when(TlsSocket::Want want);  // reads again once the socket is ready for `want`
  void parse_received();
  bool on_message(const websocket::Message& message) override;
  void on_peer_close(std::string_view payload);
  void fail(std::uint16_t code, std::string_view reason);
  // After a protocol failure, once the close frame is written: sends FIN and discards what the
  // peer still sends until its end of stream or the close deadline, then finishes.
  void linger();
  void discard();

  void arm_timer(std::chrono::steady_clock::duration after);
  void on_timer();
  void finish();

  TlsSocket tls_;
  boost::asio::steady_timer timer_;  // keep-alive pings and idle timeout, then the close deadline
  Services& services_;
  LiveSockets& live_;
  ConnectionsPerAddress::Slot slot_;
  websocket::FrameReader reader_;
  std::string received_;  // the start of a frame not yet complete; unallocated when idle
  std::vector<Outgoing> queue_;
  std::size_t sent_ = 0;          // bytes of queue_.front() already written
  std::size_t offered_ = 0;       // bytes the pending write must offer again (0: none pending)
  std::size_t queued_bytes_ = 0;  // unsent bytes in the queue
  bool flush_scheduled_ = false;
  bool staged_ = false;           // the SendBatch holds a record of ours, not yet reported
  bool reading_stopped_ = false;  // the peer's close was read, or its frames broke the protocol
  bool failed_ = false;           // its frames broke the protocol: linger before closing
  bool lingering_ = false;
  bool closing_ = false;  // our close frame is queued: nothing more is sent or carried out
  bool finished_ = false;
  bool active_ = false;     // something was read since the last timer tick
  bool ping_sent_ = false;  // a keep-alive ping is unanswered
  Connection connection_;
};

}  // namespace musubi::server
