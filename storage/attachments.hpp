#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace musubi::storage {

class Database;

// A file posted to a room. The bytes live in the attachment directory under `sha256`.
struct Attachment {
  std::int64_t id = 0;
  std::string public_id;  // "att_" + random; what clients name it by
  std::int64_t room_id = 0;
  std::int64_t uploader_id = 0;
  std::string sha256;  // lowercase hex
  std::string media_type;
  std::int64_t size = 0;
  std::string name;  // as the uploader named it
  std::int64_t uploaded_ms = 0;
  std::optional<std::int64_t> event_seq;  // the message it is part of, once posted
};

// Inserts an upload (event_seq unset) and returns its row id.
std::int64_t insert_attachment(Database& db, const Attachment& attachment);

std::optional<Attachment> find_attachment(Database& db, std::string_view public_id);

// Makes the attachment part of the room's event `seq`.
void attach_to_event(Database& db, std::int64_t attachment_id, std::int64_t seq);

}  // namespace musubi::storage
