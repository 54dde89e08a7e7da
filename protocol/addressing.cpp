#include "protocol/addressing.hpp"

namespace musubi::protocol {

namespace {
constexpr std::size_t kMaxMentions = 50;
constexpr std::size_t kMaxLoginChars = 64;
}  // namespace

Addressing read_addressing(FieldReader& r) {
  Addressing out;
  out.mentions = r.string_list("mentions", kMaxMentions, kMaxLoginChars);
  out.mention_professions = r.string_list("mention_professions", kMaxMentions, kMaxLoginChars);
  out.requires_ack = r.boolean("requires_ack", false);
  return out;
}

}  // namespace musubi::protocol
