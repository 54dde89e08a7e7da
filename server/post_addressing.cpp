#include "server/post_addressing.hpp"

#include "server/domain/vocabulary.hpp"
#include "server/notification_fanout.hpp"
#include "storage/rooms.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

void AddressedPost::describe(json& content) const {
  if (!facts.mentions.empty()) content["mentions"] = facts.mentions;
  if (!facts.mention_professions.empty()) {
    content["mention_professions"] = facts.mention_professions;
  }
  if (facts.requires_ack || facts.end_of_life) content["requires_ack"] = true;
}

std::vector<domain::Recipient> AddressedPost::recipients() const {
  return domain::route_post(facts, members);
}

std::size_t AddressedPost::notify(storage::Database& db, OperationResult& result,
                                  std::int64_t room_id, std::int64_t seq,
                                  std::int64_t now_ms) const {
  return send_notifications(db, result, {room_id, seq, recipients(), std::nullopt, nullptr},
                            now_ms);
}

std::vector<domain::RoomMember> routing_members(storage::Database& db, std::int64_t room_id) {
  std::vector<domain::RoomMember> members;
  for (auto& m : storage::members_of_room(db, room_id))
    members.push_back(domain::RoomMember{m.user_id, std::move(m.login), std::move(m.profession)});
  return members;
}

std::variant<AddressedPost, OperationResult> address_post(storage::Database& db,
                                                          std::int64_t room_id,
                                                          std::int64_t author_id,
                                                          const protocol::Addressing& addressing,
                                                          bool end_of_life) {
  AddressedPost post;
  post.facts = domain::PostFacts{author_id, addressing.mentions, addressing.mention_professions,
                                 addressing.requires_ack, end_of_life};
  for (std::size_t i = 0; i < addressing.mention_professions.size(); ++i) {
    if (!domain::parse_profession(addressing.mention_professions[i])) {
      return OperationResult::failure(Errc::invalid_request,
                                      "body.mention_professions[" + std::to_string(i) +
                                          "]: unknown profession (meta.vocabulary lists them)");
    }
  }
  if (!addressing.mentions_anyone() && !addressing.requires_ack && !end_of_life) return post;
  post.members = routing_members(db, room_id);
  if (const auto i = domain::unknown_mention(post.facts, post.members)) {
    return OperationResult::failure(
        Errc::invalid_request,
        "body.mentions[" + std::to_string(*i) + "]: no member of this room has this login");
  }
  return post;
}

}  // namespace musubi::server
