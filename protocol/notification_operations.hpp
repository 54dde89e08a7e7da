#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// The notification inbox and acknowledgements (要確認).
namespace op {
inline constexpr std::string_view list_inbox = "inbox.list";
inline constexpr std::string_view mark_inbox_read = "inbox.mark_read";
inline constexpr std::string_view acknowledge = "room.acknowledge";
inline constexpr std::string_view acknowledgements = "room.acknowledgements";
}  // namespace op

namespace event {
inline constexpr std::string_view notification = "notification";  // a new entry in your inbox
inline constexpr std::string_view room_acknowledged =
    "room.acknowledged";  // a member acknowledged an entry
}  // namespace event

inline constexpr std::int64_t kDefaultInboxLimit = 50;
inline constexpr std::int64_t kMaxInboxLimit = 200;

// The caller's notifications, newest first: `limit` of them with ids below `before`.
struct ListInbox {
  bool unread_only = false;
  std::optional<std::int64_t> before;
  std::int64_t limit = kDefaultInboxLimit;
};

// Marks the caller's notifications read: those listed, or all of them.
struct MarkInboxRead {
  std::vector<std::int64_t> ids;
  bool all = false;
};

// The caller acknowledges an entry of a room (or responds to an emergency: its raise entry).
struct Acknowledge {
  std::string room;
  std::int64_t seq = 0;
  std::optional<std::string> note;  // e.g. "向かいます（15分）"
};

// Who must acknowledge, who has: one entry (seq), or every entry still awaiting someone.
struct ListAcknowledgements {
  std::string room;
  std::optional<std::int64_t> seq;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, ListInbox& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, MarkInboxRead& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, Acknowledge& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&,
                                ListAcknowledgements& out);

}  // namespace musubi::protocol
