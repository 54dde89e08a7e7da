#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/addressing.hpp"
#include "protocol/field_reader.hpp"

namespace musubi::protocol {

// Operation names of protocol v1 (PROTOCOL.md documents each with an example).
namespace op {
inline constexpr std::string_view sign_in = "session.sign_in";
inline constexpr std::string_view resume = "session.resume";
inline constexpr std::string_view sign_out = "session.sign_out";
inline constexpr std::string_view list_rooms = "room.list";
inline constexpr std::string_view add_member = "room.add_member";
inline constexpr std::string_view remove_member = "room.remove_member";
inline constexpr std::string_view list_members = "room.members";
inline constexpr std::string_view post = "room.post";
inline constexpr std::string_view history = "room.history";
inline constexpr std::string_view subscribe = "room.subscribe";
}  // namespace op

// Size rules for request bodies that depend on server configuration.
struct BodyLimits {
  std::size_t max_text_chars = 10000;
  std::size_t max_subscribe_rooms = 1000;
};

inline constexpr std::int64_t kMaxHistoryLimit = 200;
inline constexpr std::int64_t kDefaultHistoryLimit = 50;

struct SignIn {
  std::string login;
  std::string password;
  std::string device;    // label the user sees when listing devices, e.g. "iPhone"
  bool remember = true;  // false: a shared device, whose session ends after a short idle time
  // The second factor, when the account has one: a TOTP code or a recovery code.
  std::optional<std::string> otp;
};

struct ResumeSession {
  std::string token;
};

// Names one room.
struct RoomRef {
  std::string room;
};

// Add or remove one member. `role` (add only): "member" (default) or "admin".
struct MemberChange {
  std::string room;
  std::string login;
  std::string role = "member";
};

// Files a message may carry (uploaded first: POST /attachments).
inline constexpr std::size_t kMaxAttachments = 10;

struct PostMessage {
  std::string room;
  std::string text;                  // may be empty when there are attachments
  std::optional<std::string> nonce;  // client's id for the post; a retry with it is not repeated
  std::vector<std::string> attachments;  // ids of the poster's uploads to this room
  Addressing addressing;
};

enum class Order { newest_first, oldest_first };

// Events with from <= seq <= to (both optional), `limit` of them, starting at the end `order`
// names.
struct FetchHistory {
  std::string room;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> to;
  Order order = Order::newest_first;
  std::int64_t limit = kDefaultHistoryLimit;
};

// One room to follow: events after `after` are replayed, then live ones follow. Without `after`,
// only events from now on are sent.
struct RoomCursor {
  std::string room;
  std::optional<std::int64_t> after;
};

struct Subscribe {
  std::vector<RoomCursor> rooms;
};

// Each parse reads a request body; on failure the error names the field.
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, SignIn& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, ResumeSession& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, RoomRef& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, MemberChange& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, PostMessage& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, FetchHistory& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, Subscribe& out);

}  // namespace musubi::protocol
