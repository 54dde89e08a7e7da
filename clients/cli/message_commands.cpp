// post and history.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <random>
#include <vector>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/event_format.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "protocol/operations.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

// 128 random bits in hex: the client's name for one post, so that the server can tell a retry
// from a new message.
std::string random_nonce() {
  std::random_device random;
  static constexpr char digits[] = "0123456789abcdef";
  std::string nonce = "cli-";
  for (int i = 0; i < 4; ++i) {
    auto word = random();
    for (int k = 0; k < 8; ++k, word >>= 4)
      nonce.push_back(digits[word & 0xF]);
  }
  return nonce;
}

std::string read_stdin() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace

void Addressing::add_to(json& body) const {
  if (!mentions.empty()) body["mentions"] = mentions;
  if (!professions.empty()) body["mention_professions"] = professions;
  if (requires_ack) body["requires_ack"] = true;
}

void Addressing::report_notified(const json& reply) const {
  // A retry answered from the stored post says nothing about notifications; an end-of-life
  // note notifies everyone unasked.
  const auto notified = reply.value("notified", json());
  if (!notified.is_number_integer() || (!any() && notified.get<std::int64_t>() == 0)) return;
  std::cerr << "musubi: " << notified.dump() << "人に通知しました (notified)" << std::endl;
}

int post(const Context& ctx, const std::string& room, const std::string& text_argument,
         const Addressing& addressing) {
  const std::string text = text_argument == "-" ? read_stdin() : text_argument;
  if (text.empty()) throw CliError(CliError::Kind::usage, "nothing to post");
  if (!is_valid_utf8(text)) {
    throw CliError(CliError::Kind::usage,
                   "TEXT is not valid UTF-8 (is the terminal set to UTF-8?)");
  }
  const State state = ctx.store.load();
  json body = {{"room", room}, {"text", text}, {"nonce", random_nonce()}};
  addressing.add_to(body);
  for (int attempt = 1;; ++attempt) {
    try {
      auto session = open_stored_session(ctx.options, state);
      const auto result = session->call(protocol::op::post, body);
      std::cout << result.value("seq", json()).dump() << std::endl;
      addressing.report_notified(result);
      return 0;
    } catch (const CliError& e) {
      // The post may have been stored with its ack lost: the same nonce makes the retry answer
      // with the stored seq instead of posting twice.
      if (e.kind() != CliError::Kind::connection_lost || attempt == 2) throw;
      std::cerr << "musubi: " << e.what() << "; retrying once" << std::endl;
    }
  }
}

int history(const Context& ctx, const HistoryOptions& options) {
  if (options.limit < 1) throw CliError(CliError::Kind::usage, "--limit must be at least 1");
  if (options.before && *options.before < 1) {
    throw CliError(CliError::Kind::usage, "--before must be at least 1");
  }
  auto session = open_stored_session(ctx.options, ctx.store.load());
  // Pages of at most kMaxHistoryLimit, newest first, walking back from `before`.
  std::vector<json> events;
  std::optional<std::int64_t> to;
  if (options.before) to = *options.before - 1;
  std::int64_t remaining = options.limit;
  while (remaining > 0) {
    json request = {{"room", options.room},
                    {"order", "desc"},
                    {"limit", std::min(remaining, protocol::kMaxHistoryLimit)}};
    if (to && *to < 1) {
      // Nothing can precede seq 1; ask anyway, so that a room one may not see is refused the
      // same way whatever --before says.
      request["limit"] = 1;
      session->call(protocol::op::history, request);
      break;
    }
    if (to) request["to"] = *to;
    const auto page = session->call(protocol::op::history, request);
    const auto& list = page.value("events", json::array());
    for (const auto& e : list)
      events.push_back(e);
    remaining -= static_cast<std::int64_t>(list.size());
    if (!page.value("has_more", false) || list.empty()) break;
    to = list.back().value("seq", std::int64_t{1}) - 1;
  }
  std::reverse(events.begin(), events.end());
  for (const auto& e : events) {
    std::cout << (options.json ? format_event_json(e) : format_event_text(e)) << "\n";
  }
  std::cout << std::flush;
  return 0;
}

}  // namespace musubi::cli
