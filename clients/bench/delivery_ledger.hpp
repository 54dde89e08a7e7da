#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace musubi::bench {

// Which seqs each receiver has seen of each room it follows. The server delivers a room's events
// in seq order and exactly once: anything else is counted, a repeat as duplicated and a skipped
// seq as lost.
class DeliveryLedger {
 public:
  // `receiver` follows `room` from seq `after` + 1.
  void follow(int receiver, std::string_view room, std::int64_t after);
  void delivered(int receiver, std::string_view room, std::int64_t seq);
  // The receiver left: nothing more is due to it.
  void unfollow(int receiver);
  // The highest seq of `room` the receiver has seen (0 when it does not follow it).
  std::int64_t position(int receiver, std::string_view room) const;

  // The room's newest seq that must reach everyone (the highest acknowledged post).
  void expect(std::string_view room, std::int64_t seq);
  std::int64_t expected(std::string_view room) const;
  // Deliveries still due for every receiver to reach what expect() named.
  std::int64_t outstanding() const;

  std::int64_t deliveries() const { return deliveries_; }
  std::int64_t duplicated() const { return duplicated_; }
  // Skipped seqs, plus (once the run is over) those still outstanding.
  std::int64_t lost() const { return skipped_ + outstanding(); }

 private:
  struct Cursor {
    int room = 0;
    std::int64_t last = 0;  // highest seq seen
  };
  int room_index(std::string_view room);

  // Looked up by the string_view of each delivery's room, without copying it into a string.
  struct RoomHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view room) const {
      return std::hash<std::string_view>{}(room);
    }
  };
  std::unordered_map<std::string, int, RoomHash, std::equal_to<>> rooms_;
  std::vector<std::int64_t> expected_;        // by room index
  std::vector<std::vector<Cursor>> cursors_;  // by receiver
  std::int64_t deliveries_ = 0;
  std::int64_t duplicated_ = 0;
  std::int64_t skipped_ = 0;
};

}  // namespace musubi::bench
