#include "clients/cli/event_format.hpp"

#include "clients/cli/output.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/emergency_operations.hpp"
#include "protocol/room_event.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

std::string string_field(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A person as "NAME (login)", or the login alone when the name is missing.
std::string person(const json& who) {
  const auto name = string_field(who, "name");
  const auto login = string_field(who, "login");
  if (name.empty()) return terminal_safe(login);
  return terminal_safe(name) + " (" + terminal_safe(login) + ")";
}

// Later lines of a multi-line message start indented, under the text.
std::string indent_lines(const std::string& text) {
  std::string out;
  for (const char c : text) {
    out.push_back(c);
    if (c == '\n') out += "    ";
  }
  return out;
}

// How the room-opening rule left the physician, as the room_created event records it; empty
// for rooms whose event does not say.
std::string physician_clause(const json& event) {
  if (!event.is_object()) return "";
  const auto it = event.find("physician_participates");
  if (it == event.end() || !it->is_boolean()) return "";
  if (it->get<bool>()) return " with the attending physician";
  const auto kind = string_field(event, "stand_in_kind");
  if (kind == "clinic_staff") return " with the clinic's staff standing in for the physician";
  if (kind == "hospital_liaison") {
    return " with the hospital's liaison staff standing in for the physician";
  }
  return " without the attending physician";
}

std::string close_reason(const std::string& reason) {
  if (reason == "death") return "death";
  if (reason == "moved") return "moved away";
  if (reason == "end_of_service") return "end of service";
  return terminal_safe(reason);
}

// " [attached: 退院.pdf (application/pdf, 48213 bytes) att_...]" for each attachment.
std::string attachments_clause(const json& event) {
  std::string out;
  if (!event.contains("attachments") || !event["attachments"].is_array()) return out;
  for (const auto& a : event["attachments"]) {
    out += " [attached: " + terminal_safe(string_field(a, "name")) + " (" +
           terminal_safe(string_field(a, "media_type")) + ", " + a.value("size", json()).dump() +
           " bytes) " + terminal_safe(string_field(a, "id")) + "]";
  }
  return out;
}

// " [宛先 to: @ito, 職種 pharmacist] [要確認]" for a post that calls on someone.
std::string addressing_clause(const json& event) {
  std::string to;
  for (const char* key : {"mentions", "mention_professions"}) {
    if (!event.contains(key) || !event[key].is_array()) continue;
    for (const auto& who : event[key]) {
      if (!who.is_string()) continue;
      to += (to.empty() ? "" : ", ") +
            (std::string_view(key) == "mentions" ? std::string("@") : std::string("職種 ")) +
            terminal_safe(who.get<std::string>());
    }
  }
  std::string out;
  if (!to.empty()) out += " [宛先 to: " + to + "]";
  if (event.value("requires_ack", false)) out += " [要確認]";
  return out;
}

// "佐藤 花子 (sato), 伊藤 薬剤師 (ito)", or "連絡できる人なし (nobody to alert)".
std::string alerted_clause(const json& event) {
  std::string out;
  if (event.contains("alerted") && event["alerted"].is_array()) {
    for (const auto& who : event["alerted"])
      out += (out.empty() ? "" : ", ") + person(who);
  }
  return out.empty() ? "連絡できる人なし (nobody to alert)" : out;
}

// The emergency an episode's entry belongs to: "緊急連絡 #7".
std::string emergency_ref(const json& event) {
  return "緊急連絡 #" + event.value("emergency", json()).dump();
}

}  // namespace

std::string outcome_text(std::string_view code) {
  for (const auto& outcome : protocol::emergency_outcomes()) {
    if (outcome.code == code) {
      return std::string(outcome.ja) + " (" + std::string(outcome.code) + ")";
    }
  }
  return terminal_safe(code);
}

std::string format_event_text(const json& event) {
  namespace type = protocol::room_event_type;
  const json& author = event.contains("author") ? event["author"] : json();
  std::string author_name = string_field(author, "name");
  if (author_name.empty()) author_name = string_field(author, "login");
  author_name = terminal_safe(author_name);
  const auto seq = event.value("seq", json()).dump();
  std::string line = "#" + seq + " " + terminal_safe(local_minute(string_field(event, "ts"))) + " ";
  const auto kind = string_field(event, "type");
  const json& member = event.contains("member") ? event["member"] : json();
  if (kind == type::message) {
    line += author_name + ": " + indent_lines(terminal_safe(string_field(event, "text")));
    line += attachments_clause(event) + addressing_clause(event);
  } else if (kind == type::record) {
    line += author_name + " recorded a " + terminal_safe(string_field(event, "template")) +
            " (`musubi history --json` shows its fields)" + addressing_clause(event);
  } else if (kind == type::revision) {
    line += author_name + " corrected #" + event.value("revises", json()).dump();
    const auto reason = string_field(event, "reason");
    if (!reason.empty()) line += " (" + terminal_safe(reason) + ")";
    if (event.contains("text")) {
      line += ": " + indent_lines(terminal_safe(string_field(event, "text")));
    }
    line += addressing_clause(event);
  } else if (kind == type::emergency) {
    line += author_name + ": 緊急連絡 (emergency call)";
    const auto note = string_field(event, "note");
    if (!note.empty()) line += ": " + indent_lines(terminal_safe(note));
    line += "; 連絡 (alerted): " + alerted_clause(event);
  } else if (kind == type::emergency_escalated) {
    // Written by the server's timer in the raiser's name: no author to show.
    if (event.value("exhausted", false)) {
      line += emergency_ref(event) + ": 全段階に連絡済み・応答なし (nobody answered)";
    } else {
      const auto tier = event.value("tier", json()).dump();
      line += emergency_ref(event) + ": 応答がなく第" + tier + "段階へ (escalated to tier " + tier +
              "); 連絡 (alerted): " + alerted_clause(event);
    }
  } else if (kind == type::emergency_response) {
    line += author_name + ": " + emergency_ref(event) + " に応答 (answered)";
    if (event.value("first", false)) line += "、最初の応答 (first)";
    const auto note = string_field(event, "note");
    if (!note.empty()) line += ": " + indent_lines(terminal_safe(note));
  } else if (kind == type::emergency_closed) {
    line += author_name + ": " + emergency_ref(event) +
            " を終了 (closed): " + outcome_text(string_field(event, "outcome"));
    const auto note = string_field(event, "note");
    if (!note.empty()) line += ": " + indent_lines(terminal_safe(note));
  } else if (kind == type::withdrawal) {
    line += author_name + " withdrew #" + event.value("withdraws", json()).dump() + ": " +
            terminal_safe(string_field(event, "reason"));
  } else if (kind == type::room_created) {
    line += author_name + " opened the room \"" + terminal_safe(string_field(event, "title")) +
            "\"" + physician_clause(event);
  } else if (kind == type::room_closed) {
    line += author_name + " closed the room (" + close_reason(string_field(event, "reason")) + ")";
    const auto note = string_field(event, "note");
    if (!note.empty()) line += ": " + indent_lines(terminal_safe(note));
    line += "; it is now read-only";
  } else if (kind == type::member_added) {
    const auto role = string_field(event, "role");
    line += author_name + " added " + person(member) +
            (role == "admin" ? " as administrator" : " as member");
  } else if (kind == type::member_removed) {
    if (string_field(member, "login") == string_field(author, "login")) {
      line += author_name + " left the room";
    } else {
      line += author_name + " removed " + person(member);
    }
  } else {
    line += author_name + " [" + terminal_safe(kind) + "]";
  }
  return line;
}

std::string format_notification_text(const json& n) {
  std::string line = "[通知 " + n.value("id", json()).dump() + "] " +
                     terminal_safe(local_minute(string_field(n, "ts"))) + " " +
                     terminal_safe(string_field(n.value("notice", json()), "ja")) + ": " +
                     terminal_safe(string_field(n, "room")) + " #" + n.value("seq", json()).dump();
  if (n.value("requires_ack", false) && !n.value("acknowledged", false)) line += " [要確認]";
  const json& about = n.contains("about") ? n["about"] : json();
  if (about.is_object()) {
    line += " " + terminal_safe(string_field(about, "room_title"));
    const auto excerpt = string_field(about, "excerpt");
    if (!excerpt.empty()) {
      line += " / " + terminal_safe(string_field(about.value("author", json()), "name")) + ": " +
              indent_lines(terminal_safe(excerpt));
    }
  }
  return line;
}

std::string format_notification_json(const json& n) {
  json out = n;
  out["event"] = "notification";  // room events have "type" instead
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string format_event_json(const json& event) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  // The fixed fields first, in a stable order; then whatever else the type carries.
  for (const char* key : {"room", "seq", "ts", "type"}) {
    if (event.contains(key)) out[key] = event[key];
  }
  if (event.contains("author")) {
    out["author"] = string_field(event["author"], "login");
    out["author_name"] = string_field(event["author"], "name");
  }
  for (const auto& [key, value] : event.items()) {
    if (out.contains(key) || key == "author") continue;
    if (key == "member" && value.is_object()) {
      out["member"] = string_field(value, "login");
      out["member_name"] = string_field(value, "name");
    } else {
      out[key] = value;
    }
  }
  // Invalid UTF-8 (which the server never sends) is replaced rather than thrown.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace musubi::cli
