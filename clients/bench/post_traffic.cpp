#include "clients/bench/post_traffic.hpp"

#include <nlohmann/json.hpp>

#include "clients/bench/bench_run.hpp"
#include "clients/bench/frame_scan.hpp"

namespace musubi::bench {

using nlohmann::json;

PostTraffic::PostTraffic(std::size_t message_bytes)
    : message_bytes_(message_bytes), run_tag_(std::to_string(now_ns()) + "-") {}

void PostTraffic::follow(const BenchClient& client) {
  for (const auto& [room, last_seq] : client.subscribed())
    ledger_.follow(client.id(), room, last_seq);
}

void PostTraffic::post(BenchClient& from, std::string_view room) {
  const auto id = from.next_request_id();
  const auto sent = now_ns();
  pending_.emplace(key(from.id(), id), Pending{sent, room});
  ++sent_;
  // The nonce makes a retried post idempotent on the server; the bench never retries, but real
  // clients always send one, so the server does the same work as for them. It is unique per run:
  // the same nonce on a later run would be answered as a repeat.
  from.send(json{{"id", id},
                 {"op", "room.post"},
                 {"body",
                  {{"room", room},
                   {"text", bench_text(sent, message_bytes_)},
                   {"nonce", run_tag_ + std::to_string(from.id()) + "-" + std::to_string(id)}}}}
                .dump());
}

void PostTraffic::on_frame(BenchClient& client, std::string_view frame) {
  const auto now = now_ns();
  if (const auto event = scan_room_event(frame)) {
    ledger_.delivered(client.id(), event->room, event->seq);
    if (event->sent_ns && in_window(*event->sent_ns)) {
      delivery_latency_.add(now - *event->sent_ns);
      ++deliveries_in_window_;
    }
    return;
  }
  const auto reply = scan_reply(frame);
  if (!reply) return;  // other events (notifications, read receipts) are not counted
  const auto it = pending_.find(key(client.id(), reply->id));
  if (it == pending_.end()) return;
  const auto p = it->second;
  pending_.erase(it);
  if (!reply->ok || !reply->seq || reply->duplicate) {
    ++errors_[!reply->ok         ? std::string(reply->error_code)
              : reply->duplicate ? "duplicate"
                                 : "no_seq"];
    return;
  }
  ++acked_;
  ledger_.expect(p.room, *reply->seq);
  if (in_window(p.sent_ns)) {
    ack_latency_.add(now - p.sent_ns);
    ++acked_in_window_;
  }
}

void PostTraffic::open_window() {
  window_open_ns_ = now_ns();
  window_close_ns_ = 0;
}

void PostTraffic::close_window() {
  window_close_ns_ = now_ns();
}

json PostTraffic::summary() {
  const double seconds = window_close_ns_ > window_open_ns_
                             ? static_cast<double>(window_close_ns_ - window_open_ns_) / 1e9
                             : 0.0;
  auto per_second = [&](std::int64_t n) {
    return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
  };
  return json{{"posts_sent", sent_},
              {"posts_acked", acked_},
              {"posts_unanswered", in_flight()},
              {"errors", errors_},
              {"window_seconds", seconds},
              {"acked_posts_per_second", per_second(acked_in_window_)},
              {"deliveries", ledger_.deliveries()},
              {"deliveries_per_second", per_second(deliveries_in_window_)},
              {"ack_latency_ms", ack_latency_.summary_ms()},
              {"delivery_latency_ms", delivery_latency_.summary_ms()},
              {"lost", ledger_.lost()},
              {"duplicated", ledger_.duplicated()}};
}

}  // namespace musubi::bench
