#include "clients/bench/room_clients.hpp"

namespace musubi::bench {

std::vector<const BenchRoom*> first_rooms(const Dataset& dataset, int n) {
  auto rooms = dataset.live_rooms();
  if (n > 0 && static_cast<std::size_t>(n) < rooms.size()) rooms.resize(n);
  return rooms;
}

std::vector<RoomClients> connect_rooms(BenchRun& run, PostTraffic& traffic,
                                       const std::vector<const BenchRoom*>& rooms, int per_room) {
  run.on_ready([&traffic](BenchClient& c) { traffic.follow(c); });
  run.on_frame([&traffic](BenchClient& c, std::string_view frame) { traffic.on_frame(c, frame); });
  const auto first = run.clients().size();
  run.connect(room_members(rooms, per_room));
  std::vector<RoomClients> out;
  std::size_t i = first;
  for (const auto* room : rooms) {
    RoomClients r{room, {}};
    const auto n = std::min<std::size_t>(room->members.size(), static_cast<std::size_t>(per_room));
    for (std::size_t k = 0; k < n; ++k, ++i) {
      if (run.clients()[i]->ready()) r.members.push_back(run.clients()[i].get());
    }
    if (!r.members.empty()) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace musubi::bench
