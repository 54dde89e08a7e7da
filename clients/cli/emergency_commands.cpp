// emergency, emergency-status and emergency-close: the emergency call (急変時の緊急連絡). Members
// answer it with `musubi ack ROOM SEQ` (notification_commands.cpp).
#include <iostream>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/event_format.hpp"
#include "clients/cli/output.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "clients/cli/vocabulary.hpp"
#include "protocol/emergency_operations.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

std::string minute_of(const json& object, const char* key) {
  const auto& value = field(object, key);
  return value.is_string() ? local_minute(value.get<std::string>()) : "-";
}

// The plan's steps for a helper alone, numbered: what to do before anyone answers.
void print_helper_steps(const json& status) {
  const auto& steps = field(status, "helper_steps");
  std::cout << "ヘルパーの手順 (what to do now):\n";
  if (!steps.is_array() || steps.empty()) {
    std::cout << (field(status, "plan").is_object()
                      ? "  急変時対応に手順の記録がありません (the emergency plan lists no steps)\n"
                      : "  急変時対応の記録がありません (no emergency plan recorded)\n");
    return;
  }
  int n = 0;
  for (const auto& step : steps) {
    std::cout << "  " << ++n << ". "
              << terminal_safe(step.is_string() ? step.get<std::string>() : step.dump()) << "\n";
  }
}

// Everyone alerted so far, by tier, and whether they answered.
void print_alerted(const json& e, Vocabulary& words, bool with_answers) {
  const auto& alerted = field(e, "alerted");
  if (!alerted.is_array() || alerted.empty()) {
    std::cout << "  連絡できる人がいません (nobody to alert)\n";
    return;
  }
  for (const auto& a : alerted) {
    std::cout << "  第" << text_of(a, "tier") << "段階 (tier " << text_of(a, "tier") << ") "
              << person_text(a, words);
    if (with_answers) {
      const auto& at = field(a, "responded_at");
      if (at.is_string()) {
        std::cout << ": ✓ 応答 (answered) " << local_minute(at.get<std::string>());
      } else {
        std::cout << ": 未応答 (no answer)";
      }
    }
    std::cout << "\n";
  }
}

void print_escalation(const json& e) {
  if (e.value("exhausted", false)) {
    std::cout << "全段階に連絡済み・応答なし (every tier alerted, nobody answered)\n";
  } else if (field(e, "escalation_due").is_string()) {
    std::cout << "応答がなければ " << minute_of(e, "escalation_due")
              << " に次の段階へ連絡 (the next tier is alerted then without an answer)\n";
  }
}

}  // namespace

int raise_emergency(const Context& ctx, const std::string& room, const std::string& note,
                    bool as_json) {
  require_utf8(note, "--note");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"room", room}};
  if (!note.empty()) body["note"] = note;
  const auto result = session->call(protocol::op::raise_emergency, body);
  if (as_json) {
    std::cout << json_line(result) << std::endl;
    return 0;
  }
  Vocabulary words(*session);
  const auto& e = field(result, "emergency");
  const auto seq = text_of(e, "seq");
  // A second tap finds the open one: say so, so that nobody thinks a new chain started.
  if (result.value("already_open", false)) {
    std::cout << "=== 緊急連絡 #" << seq << " は発信済みです (already raised) ===\n"
              << "発信 (raised by): " << person_text(field(e, "raised_by"), words) << " "
              << minute_of(e, "raised_at") << "\n";
  } else {
    std::cout << "=== 緊急連絡 #" << seq << " を発信しました (emergency call raised) ===\n";
  }
  std::cout << "連絡した人 (alerted):\n";
  print_alerted(e, words, false);
  if (field(e, "responder").is_object()) {
    std::cout << "応答者 (responder): " << person_text(field(e, "responder"), words) << " "
              << minute_of(e, "responded_at") << "\n";
  } else {
    print_escalation(e);
  }
  print_helper_steps(result);
  std::cout << "応答の確認 (who answers): musubi emergency-status " << terminal_safe(room)
            << std::endl;
  return 0;
}

int emergency_status(const Context& ctx, const std::string& room, std::optional<std::int64_t> seq,
                     bool as_json) {
  if (seq && *seq < 1) throw CliError(CliError::Kind::usage, "--seq must be at least 1");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"room", room}};
  if (seq) body["emergency"] = *seq;
  const auto result = session->call(protocol::op::emergency_status, body);
  if (as_json) {
    std::cout << json_line(result) << std::endl;
    return 0;
  }
  const auto& e = field(result, "emergency");
  if (!e.is_object()) {
    std::cout << "緊急連絡はありません (no emergency was raised in this room)" << std::endl;
    return 0;
  }
  Vocabulary words(*session);
  const bool open = e.value("status", std::string()) == "open";
  std::cout << "緊急連絡 #" << text_of(e, "seq") << ": "
            << (open ? "対応中 (open)" : "終了 (closed)") << "\n"
            << "発信 (raised by): " << person_text(field(e, "raised_by"), words) << " "
            << minute_of(e, "raised_at") << "\n";
  const auto note = text_of(e, "note");
  if (!note.empty()) std::cout << "メモ (note): " << note << "\n";
  std::cout << "段階 (tier): " << text_of(e, "tier") << " / " << text_of(e, "tiers") << "\n";
  std::cout << "連絡した人 (alerted):\n";
  print_alerted(e, words, true);
  std::cout << "応答者 (responder): " << person_text(field(e, "responder"), words);
  if (field(e, "responder").is_object()) std::cout << " " << minute_of(e, "responded_at");
  std::cout << "\n";
  // Anyone in the room may answer, not only those alerted.
  const auto& responses = field(e, "responses");
  if (responses.is_array() && !responses.empty()) {
    std::cout << "応答 (answers):\n";
    for (const auto& r : responses) {
      std::cout << "  " << minute_of(r, "at") << " " << person_text(r, words);
      const auto said = text_of(r, "note");
      if (!said.empty()) std::cout << ": " << said;
      std::cout << "\n";
    }
  }
  if (open) {
    if (!field(e, "responder").is_object()) print_escalation(e);
    print_helper_steps(result);
  } else {
    std::cout << "結果 (outcome): " << outcome_text(e.value("outcome", std::string()));
    const auto outcome_note = text_of(e, "outcome_note");
    if (!outcome_note.empty()) std::cout << ": " << outcome_note;
    std::cout << "\n"
              << "終了 (closed by): " << person_text(field(e, "closed_by"), words) << " "
              << minute_of(e, "closed_at") << "\n";
  }
  std::cout << std::flush;
  return 0;
}

int close_emergency(const Context& ctx, const std::string& room, std::int64_t seq,
                    const std::string& outcome, const std::string& note) {
  require_utf8(note, "--note");
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"room", room}, {"emergency", seq}, {"outcome", outcome}};
  if (!note.empty()) body["note"] = note;
  session->call(protocol::op::close_emergency, body);
  std::cout << "緊急連絡 #" << seq << " を終了しました (closed): " << outcome_text(outcome)
            << std::endl;
  return 0;
}

}  // namespace musubi::cli
