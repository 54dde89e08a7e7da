#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/field_reader.hpp"

namespace musubi::protocol {

// Whom a post calls on (room.post, room.post_record): members by login and members by
// profession (e.g. every pharmacist of the room), and whether they must acknowledge it (要確認).
struct Addressing {
  std::vector<std::string> mentions;             // logins of members
  std::vector<std::string> mention_professions;  // profession codes (meta.vocabulary)
  bool requires_ack = false;

  bool mentions_anyone() const { return !mentions.empty() || !mention_professions.empty(); }
};

// Reads the optional fields "mentions", "mention_professions" and "requires_ack".
Addressing read_addressing(FieldReader& r);

}  // namespace musubi::protocol
