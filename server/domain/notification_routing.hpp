#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::domain {

// A member of a room, as the routing rules see them.
struct RoomMember {
  std::int64_t user_id = 0;
  std::string login;
  std::string profession;  // vocabulary code
};

// Why a notification is in an inbox. What it says to the user follows from this alone.
namespace notification_kind {
inline constexpr std::string_view mention = "mention";          // you (or your profession)
inline constexpr std::string_view ack_request = "ack_request";  // 要確認, to the whole room
inline constexpr std::string_view end_of_life = "end_of_life";  // an end-of-life note
inline constexpr std::string_view emergency = "emergency";      // you are alerted: respond
inline constexpr std::string_view emergency_update = "emergency_update";  // alerted, answered...
}  // namespace notification_kind

struct Recipient {
  std::int64_t user_id = 0;
  std::string_view kind;
  bool requires_ack = false;
};

// A post as far as routing is concerned.
struct PostFacts {
  std::int64_t author_id = 0;
  std::vector<std::string> mentions;             // logins
  std::vector<std::string> mention_professions;  // codes
  bool requires_ack = false;
  bool end_of_life = false;  // an end_of_life_note (or a revision of one)
};

// The first mention that names no member of the room (its index), if any.
std::optional<std::size_t> unknown_mention(const PostFacts& post,
                                           std::span<const RoomMember> members);

// Who is notified of a post, and who must acknowledge it:
// - an end-of-life note: every other member, each as "must acknowledge" (pharmacists and dentists
//   included whatever else the post says: they are the ones the city found were never told);
// - mentions: the members named and the members of the professions named;
// - requires_ack: the mentioned must acknowledge; without mentions, every other member.
// The author is never notified of their own post.
std::vector<Recipient> route_post(const PostFacts& post, std::span<const RoomMember> members);

}  // namespace musubi::domain
