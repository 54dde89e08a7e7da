#include "server/notification_view.hpp"

#include "protocol/field_reader.hpp"
#include "protocol/timestamp.hpp"
#include "server/domain/notification_routing.hpp"

namespace musubi::server {

using nlohmann::json;

namespace {

constexpr std::size_t kExcerptChars = 80;

// The first characters of a text, cut on a character boundary.
std::string excerpt(const std::string& text) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == kExcerptChars) return text.substr(0, i) + "…";
  }
  return text;
}

}  // namespace

json notice_of(std::string_view kind) {
  namespace k = domain::notification_kind;
  if (kind == k::mention) {
    return {{"ja", "あなた宛ての投稿があります"}, {"en", "A post mentions you"}};
  }
  if (kind == k::ack_request) {
    return {{"ja", "確認をお願いします（要確認）"}, {"en", "Please acknowledge a post"}};
  }
  if (kind == k::end_of_life) {
    return {{"ja", "看取りの連絡があります。確認してください"},
            {"en", "End-of-life update: please acknowledge"}};
  }
  if (kind == k::emergency) {
    return {{"ja", "緊急連絡：至急応答してください"}, {"en", "Emergency call: please respond now"}};
  }
  return {{"ja", "緊急連絡の状況が変わりました"}, {"en", "An emergency call has an update"}};
}

json notification_view(const storage::Notification& n) {
  json view = {{"id", n.id},
               {"kind", n.kind},
               {"ts", protocol::format_timestamp(n.created_ms)},
               {"room", n.room_public_id},
               {"seq", n.seq},
               {"requires_ack", n.requires_ack},
               {"acknowledged", n.acknowledged},
               {"read", n.read},
               {"notice", notice_of(n.kind)}};
  if (n.emergency_seq) view["emergency"] = *n.emergency_seq;
  if (n.member) {
    json about = {{"room_title", n.room_title},
                  {"type", n.entry_type},
                  {"author", {{"login", n.author_login}, {"name", n.author_name}}}};
    if (n.entry_template) about["template"] = *n.entry_template;
    const auto content = json::parse(n.entry_content, nullptr, false);
    if (content.is_object()) {
      for (const auto* field : {"text", "note"}) {
        const auto it = content.find(field);
        if (it != content.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
          about["excerpt"] = excerpt(it->get<std::string>());
          break;
        }
      }
    }
    view["about"] = std::move(about);
  }
  return view;
}

json missed_notifications(storage::Database& db, std::int64_t user_id) {
  json list = json::array();
  for (const auto& n : storage::list_notifications(db, {user_id, true, std::nullopt, 50}))
    list.push_back(notification_view(n));
  return json{{"notifications", std::move(list)},
              {"unread_notifications", storage::count_unread_notifications(db, user_id)}};
}

}  // namespace musubi::server
