// inbox, inbox read, ack and acks: the notification inbox and acknowledgements (要確認).
#include <algorithm>
#include <iostream>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/output.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "clients/cli/vocabulary.hpp"
#include "protocol/notification_operations.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

// inbox.mark_read takes at most this many ids at once.
constexpr std::size_t kMaxMarkIds = 500;

// "要確認" while an acknowledgement is owed, "確認済" once given, else "-".
std::string ack_mark(const json& n) {
  if (!n.value("requires_ack", false)) return "-";
  return n.value("acknowledged", false) ? "確認済" : "要確認";
}

// "佐藤 一郎 様 / 佐藤 花子: 麻薬の残数を…" from the notification's "about" (absent once the
// user left the room).
std::string about_text(const json& about) {
  if (!about.is_object()) return "-";
  std::string text = text_of(about, "room_title") + " / " + text_of(field(about, "author"), "name");
  const auto excerpt = text_of(about, "excerpt");
  if (!excerpt.empty()) return text + ": " + excerpt;
  const auto what = text_of(about, "template");
  return text + " [" + (what.empty() ? text_of(about, "type") : what) + "]";
}

// Excerpts may hold newlines; a notification is one line.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

int inbox(const Context& ctx, const InboxOptions& options) {
  if (options.limit < 1) throw CliError(CliError::Kind::usage, "--limit must be at least 1");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  // Pages of at most kMaxInboxLimit, newest first, walking back by id.
  std::vector<json> notifications;
  std::optional<std::int64_t> before;
  std::int64_t remaining = options.limit;
  while (remaining > 0) {
    json request = {{"unread_only", options.unread_only},
                    {"limit", std::min(remaining, protocol::kMaxInboxLimit)}};
    if (before) request["before"] = *before;
    const auto page = session->call(protocol::op::list_inbox, request);
    const auto& list = page.value("notifications", json::array());
    for (const auto& n : list)
      notifications.push_back(n);
    remaining -= static_cast<std::int64_t>(list.size());
    if (!page.value("has_more", false) || list.empty()) break;
    before = list.back().value("id", std::int64_t{1});
  }
  for (const auto& n : notifications) {
    if (options.json) {
      std::cout << json_line(n) << "\n";
      continue;
    }
    std::cout << text_of(n, "id") << "\t" << local_minute(n.value("ts", std::string())) << "\t"
              << text_of(field(n, "notice"), "ja") << "\t" << text_of(n, "room") << " #"
              << text_of(n, "seq") << "\t" << ack_mark(n) << "\t"
              << (n.value("read", false) ? "既読" : "未読") << "\t"
              << one_line(about_text(field(n, "about"))) << "\n";
  }
  std::cout << std::flush;
  return 0;
}

int mark_inbox_read(const Context& ctx, const std::vector<std::int64_t>& ids, bool all) {
  if (ids.empty() && !all) {
    throw CliError(CliError::Kind::usage,
                   "give the notifications' IDs (see `musubi inbox`) or --all");
  }
  for (const auto id : ids) {
    if (id < 1) throw CliError(CliError::Kind::usage, "notification IDs are at least 1");
  }
  auto session = open_stored_session(ctx.options, ctx.store.load());
  std::int64_t marked = 0;
  json result;
  if (all) {
    result = session->call(protocol::op::mark_inbox_read, {{"all", true}});
    marked = result.value("marked", std::int64_t{0});
  }
  for (std::size_t i = 0; i < ids.size(); i += kMaxMarkIds) {
    const auto end = std::min(ids.size(), i + kMaxMarkIds);
    result =
        session->call(protocol::op::mark_inbox_read,
                      {{"ids", std::vector<std::int64_t>(ids.begin() + i, ids.begin() + end)}});
    marked += result.value("marked", std::int64_t{0});
  }
  std::cout << "既読にしました (marked read): " << marked
            << "; 未読 (unread): " << text_of(result, "unread") << std::endl;
  return 0;
}

int acknowledge(const Context& ctx, const std::string& room, std::int64_t seq,
                const std::string& note) {
  require_utf8(note, "--note");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"room", room}, {"seq", seq}};
  if (!note.empty()) body["note"] = note;
  const auto result = session->call(protocol::op::acknowledge, body);
  const auto at = "#" + std::to_string(seq);
  if (result.value("already", false)) {
    std::cout << at << " は確認済みです (already acknowledged)" << std::endl;
  } else if (!result.contains("first")) {
    std::cout << at << " を確認しました (acknowledged)" << std::endl;
  } else if (result.value("first", false)) {
    // Answering an open emergency: the first answer stops the escalation.
    std::cout << "緊急連絡 " << at
              << " に応答しました。あなたが最初の応答者です (you are the first responder)"
              << std::endl;
  } else {
    std::cout << "緊急連絡 " << at
              << " に応答しました。先に応答した人がいます (someone answered first: musubi "
                 "emergency-status "
              << terminal_safe(room) << ")" << std::endl;
  }
  return 0;
}

int acknowledgements(const Context& ctx, const std::string& room, std::optional<std::int64_t> seq,
                     bool as_json) {
  if (seq && *seq < 1) throw CliError(CliError::Kind::usage, "--seq must be at least 1");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"room", room}};
  if (seq) body["seq"] = *seq;
  const auto result = session->call(protocol::op::acknowledgements, body);
  if (as_json) {
    for (const auto& entry : result.value("entries", json::array()))
      std::cout << json_line(entry) << "\n";
    std::cout << std::flush;
    return 0;
  }
  Vocabulary words(*session);
  for (const auto& entry : result.value("entries", json::array())) {
    const auto& members = field(entry, "members");
    std::cout << "#" << text_of(entry, "seq");
    if (!members.is_array() || members.empty()) {
      std::cout << ": 確認を求められた人はいません (nobody was asked to acknowledge it)\n";
      continue;
    }
    const auto what = text_of(entry, "template");
    std::cout << " " << local_minute(entry.value("ts", std::string())) << " "
              << text_of(field(entry, "author"), "name") << " ["
              << (what.empty() ? text_of(entry, "type") : what) << "]: ";
    const auto pending = entry.value("pending", 0);
    if (pending > 0) {
      std::cout << "未確認 " << pending << "人 (pending)\n";
    } else {
      std::cout << "全員確認済み (everyone acknowledged)\n";
    }
    for (const auto& m : members) {
      const auto at = m.value("acknowledged_at", json());
      if (at.is_string()) {
        std::cout << "  ✓ " << person_text(m, words) << " " << local_minute(at.get<std::string>());
        const auto note = text_of(m, "note");
        if (!note.empty()) std::cout << ": " << one_line(note);
        if (!m.value("required", false)) std::cout << " (依頼なし not asked)";
      } else {
        std::cout << "  未確認 " << person_text(m, words);
      }
      std::cout << "\n";
    }
  }
  std::cout << std::flush;
  return 0;
}

}  // namespace musubi::cli
