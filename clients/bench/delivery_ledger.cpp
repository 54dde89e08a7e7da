#include "clients/bench/delivery_ledger.hpp"

#include <algorithm>

namespace musubi::bench {

int DeliveryLedger::room_index(std::string_view room) {
  // Found without a string for the key: expect() comes here for every acknowledged post.
  if (const auto found = rooms_.find(room); found != rooms_.end()) return found->second;
  const int index = static_cast<int>(expected_.size());
  rooms_.emplace(std::string(room), index);
  expected_.push_back(0);
  return index;
}

void DeliveryLedger::follow(int receiver, std::string_view room, std::int64_t after) {
  if (receiver >= static_cast<int>(cursors_.size())) cursors_.resize(receiver + 1);
  const int index = room_index(room);
  auto& cursors = cursors_[receiver];
  auto it = std::find_if(cursors.begin(), cursors.end(),
                         [&](const Cursor& c) { return c.room == index; });
  if (it == cursors.end()) {
    cursors.push_back(Cursor{index, after});
  } else {
    it->last = after;
  }
}

void DeliveryLedger::delivered(int receiver, std::string_view room, std::int64_t seq) {
  const auto found = rooms_.find(room);
  if (found == rooms_.end() || receiver >= static_cast<int>(cursors_.size())) return;
  for (auto& c : cursors_[receiver]) {
    if (c.room != found->second) continue;
    ++deliveries_;
    if (seq <= c.last) {
      ++duplicated_;
    } else {
      skipped_ += seq - c.last - 1;
      c.last = seq;
    }
    return;
  }
}

void DeliveryLedger::unfollow(int receiver) {
  if (receiver < static_cast<int>(cursors_.size())) cursors_[receiver].clear();
}

std::int64_t DeliveryLedger::position(int receiver, std::string_view room) const {
  const auto found = rooms_.find(room);
  if (found == rooms_.end() || receiver >= static_cast<int>(cursors_.size())) return 0;
  for (const auto& c : cursors_[receiver]) {
    if (c.room == found->second) return c.last;
  }
  return 0;
}

void DeliveryLedger::expect(std::string_view room, std::int64_t seq) {
  auto& e = expected_[room_index(room)];
  e = std::max(e, seq);
}

std::int64_t DeliveryLedger::expected(std::string_view room) const {
  const auto found = rooms_.find(room);
  return found == rooms_.end() ? 0 : expected_[found->second];
}

std::int64_t DeliveryLedger::outstanding() const {
  std::int64_t due = 0;
  for (const auto& cursors : cursors_) {
    for (const auto& c : cursors)
      due += std::max<std::int64_t>(0, expected_[c.room] - c.last);
  }
  return due;
}

}  // namespace musubi::bench
