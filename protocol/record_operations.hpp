#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/addressing.hpp"
#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// Structured records (templates), corrections and withdrawals, and the room's current plan.
namespace op {
inline constexpr std::string_view list_templates = "meta.templates";
inline constexpr std::string_view post_record = "room.post_record";
inline constexpr std::string_view correct = "room.correct";
inline constexpr std::string_view withdraw = "room.withdraw";
inline constexpr std::string_view current_plan = "room.current_plan";
inline constexpr std::string_view export_fhir = "room.export_fhir";
}  // namespace op

// A record following a template (protocol/schemas/templates/<template>.json).
struct PostRecord {
  std::string room;
  std::string template_id;
  nlohmann::json content;  // an object, validated against the template
  std::optional<std::string> nonce;
  Addressing addressing;
};

// A correction of a message or record: a new revision of it, the original kept. A message is
// corrected with `text`, a record with `content` (the whole record, validated again).
struct Correct {
  std::string room;
  std::int64_t seq = 0;
  std::optional<std::string> text;
  std::optional<nlohmann::json> content;
  std::string reason;
};

struct Withdraw {
  std::string room;
  std::int64_t seq = 0;
  std::string reason;
};

// One entry of a room's log: a discharge summary to export as FHIR.
struct EntryRef {
  std::string room;
  std::int64_t seq = 0;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, PostRecord& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, EntryRef& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, Correct& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, Withdraw& out);

}  // namespace musubi::protocol
