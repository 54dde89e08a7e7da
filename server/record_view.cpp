#include "server/record_view.hpp"

#include "protocol/room_event.hpp"
#include "protocol/timestamp.hpp"

namespace musubi::server {

using nlohmann::json;

json current_view(storage::Database& db, const storage::StoredEvent& record) {
  auto original = json::parse(record.content, nullptr, false);
  json view = {{"seq", record.seq},
               {"ts", protocol::format_timestamp(record.ts_ms)},
               {"author", {{"login", record.author_login}, {"name", record.author_name}}},
               {"template", record.template_id.value_or("")},
               {"template_version", original.value("template_version", 1)},
               {"content", original.value("content", json::object())},
               {"revision", nullptr}};
  if (const auto revision = storage::latest_reference(db, record.room_id, record.seq,
                                                      protocol::room_event_type::revision)) {
    const auto body = json::parse(revision->content, nullptr, false);
    view["content"] = body.value("content", json::object());
    view["template_version"] = body.value("template_version", view["template_version"]);
    view["revision"] = {
        {"seq", revision->seq},
        {"ts", protocol::format_timestamp(revision->ts_ms)},
        {"author", {{"login", revision->author_login}, {"name", revision->author_name}}},
        {"reason", body.value("reason", "")}};
  }
  return view;
}

}  // namespace musubi::server
