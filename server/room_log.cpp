#include "server/room_log.hpp"

#include "protocol/envelope.hpp"
#include "storage/events.hpp"

namespace musubi::server {

std::shared_ptr<const RoomBroadcast> append_room_event(
    storage::Database& db, std::int64_t room_id, const std::string& public_id,
    std::string_view type, const protocol::Person& author, std::int64_t author_id,
    nlohmann::json content, std::int64_t subject_user_id, std::int64_t now_ms,
    std::optional<std::string> nonce, std::optional<std::string> template_id,
    std::optional<std::int64_t> refers_to) {
  storage::NewEvent event{
      room_id, std::string(type),      author_id, protocol::dump(content), std::move(nonce),
      now_ms,  std::move(template_id), refers_to};
  const auto seq = storage::append_event(db, event);
  auto broadcast = std::make_shared<RoomBroadcast>();
  broadcast->room_id = room_id;
  broadcast->seq = seq;
  broadcast->type = type;
  broadcast->subject_user_id = subject_user_id;
  // The frame splices the text just stored, as history and replay do: the same bytes on every
  // path, and the content is not built and dumped a second time.
  const protocol::RoomEvent header{public_id, seq, now_ms, std::string(type), author, {}};
  auto frame = protocol::encode_room_event_text(header, event.content);
  broadcast->frame = std::make_shared<const std::string>(
      frame ? std::move(*frame)
            : protocol::encode_room_event(protocol::RoomEvent{
                  public_id, seq, now_ms, std::string(type), author, std::move(content)}));
  return broadcast;
}

}  // namespace musubi::server
