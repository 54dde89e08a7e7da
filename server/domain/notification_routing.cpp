#include "server/domain/notification_routing.hpp"

#include <algorithm>

namespace musubi::domain {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::optional<std::size_t> unknown_mention(const PostFacts& post,
                                           std::span<const RoomMember> members) {
  for (std::size_t i = 0; i < post.mentions.size(); ++i) {
    const bool known = std::any_of(members.begin(), members.end(), [&](const RoomMember& m) {
      return m.login == post.mentions[i];
    });
    if (!known) return i;
  }
  return std::nullopt;
}

std::vector<Recipient> route_post(const PostFacts& post, std::span<const RoomMember> members) {
  std::vector<Recipient> out;
  const bool mentions_anyone = !post.mentions.empty() || !post.mention_professions.empty();
  for (const auto& m : members) {
    if (m.user_id == post.author_id) continue;
    if (post.end_of_life) {
      out.push_back(Recipient{m.user_id, notification_kind::end_of_life, true});
      continue;
    }
    const bool mentioned =
        contains(post.mentions, m.login) || contains(post.mention_professions, m.profession);
    if (mentioned) {
      out.push_back(Recipient{m.user_id, notification_kind::mention, post.requires_ack});
    } else if (post.requires_ack && !mentions_anyone) {
      out.push_back(Recipient{m.user_id, notification_kind::ack_request, true});
    }
  }
  return out;
}

}  // namespace musubi::domain
