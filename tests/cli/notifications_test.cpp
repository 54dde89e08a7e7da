// musubi post --mention/--ack, inbox, ack, acks and the emergency call (emergency,
// emergency-status, emergency-close) against a real musubid, as a nurse, a pharmacist and a
// helper would use them.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"
#include "tests/support/template_examples.hpp"

namespace musubi::testing {
namespace {

using CliNotifications = CliTest;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The line of `text` that contains `part`, or "".
std::string line_with(const std::string& text, const std::string& part) {
  for (const auto& line : lines_of(text)) {
    if (contains(line, part)) return line;
  }
  return "";
}

TEST_F(CliNotifications, AMentionAskingForAnAckIsSeenAcknowledgedAndRead) {
  const auto nurse = signed_in_user("sato", "佐藤 花子");
  const auto pharmacist = signed_in_user("ito", "伊藤 薬剤師", kStation, "pharmacist");
  const auto room = open_room(nurse, "佐藤 一郎");
  nurse.ok({"room", "add", room, "ito"});

  const auto posted =
      nurse.run({"post", room, "麻薬の残数を確認してください", "--mention", "ito", "--ack"});
  ASSERT_EQ(posted.exit_code(), 0) << posted.describe();
  const auto seq = trim(posted.out);
  EXPECT_EQ(posted.err, "musubi: 1人に通知しました (notified)\n");
  // A mention of someone outside the room is refused, with the field named.
  const auto stranger = nurse.run({"post", room, "x", "--mention", "nobody"});
  EXPECT_EQ(stranger.exit_code(), 1);
  EXPECT_TRUE(contains(stranger.err, "body.mentions[0]")) << stranger.err;

  // The pharmacist's inbox: the notice, where it points, 要確認, unread, and what it is about.
  const auto inbox = pharmacist.ok({"inbox"});
  const auto line = line_with(inbox, room + " #" + seq);
  EXPECT_TRUE(contains(line, "\tあなた宛ての投稿があります\t" + room + " #" + seq +
                                 "\t要確認\t未読\t佐藤 一郎 様 / 佐藤 花子: "
                                 "麻薬の残数を確認してください"))
      << inbox;
  EXPECT_TRUE(contains(pharmacist.ok({"history", room}),
                       ": 麻薬の残数を確認してください [宛先 to: @ito] [要確認]"));
  EXPECT_TRUE(contains(nurse.ok({"acks", room}), "  未確認 伊藤 薬剤師 (ito), 薬剤師\n"));

  EXPECT_EQ(pharmacist.ok({"ack", room, seq, "--note", "残数は合っています"}),
            "#" + seq + " を確認しました (acknowledged)\n");
  EXPECT_EQ(pharmacist.ok({"ack", room, seq}),
            "#" + seq + " は確認済みです (already acknowledged)\n");
  const auto acks = nurse.ok({"acks", room, "--seq", seq});
  EXPECT_TRUE(contains(acks, "#" + seq + " ")) << acks;
  EXPECT_TRUE(contains(acks, "[message]: 全員確認済み (everyone acknowledged)\n")) << acks;
  EXPECT_TRUE(contains(acks, "  ✓ 伊藤 薬剤師 (ito), 薬剤師 ")) << acks;
  EXPECT_TRUE(contains(acks, ": 残数は合っています\n")) << acks;
  EXPECT_EQ(nurse.ok({"acks", room}), "");  // nothing awaits anyone now
  // Acknowledging read the notification; it stays in the inbox, acknowledged.
  const auto after = json_lines(pharmacist.ok({"inbox", "--json"}));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["acknowledged"], true);
  EXPECT_EQ(after[0]["read"], true);
  EXPECT_EQ(pharmacist.ok({"inbox", "--unread"}), "");

  // Two more, by profession: one read by its id, then the rest with --all.
  nurse.ok({"post", room, "処方が変わりました", "--mention-profession", "pharmacist"});
  nurse.ok({"post", room, "残薬を回収してください", "--mention-profession", "pharmacist"});
  const auto unread = json_lines(pharmacist.ok({"inbox", "--unread", "--json"}));
  ASSERT_EQ(unread.size(), 2u);
  EXPECT_EQ(unread[0]["about"]["excerpt"], "残薬を回収してください");  // newest first
  EXPECT_EQ(lines_of(pharmacist.ok({"inbox", "--limit", "1"})).size(), 1u);
  EXPECT_EQ(pharmacist.ok({"inbox", "read", unread[1]["id"].dump()}),
            "既読にしました (marked read): 1; 未読 (unread): 1\n");
  EXPECT_EQ(pharmacist.ok({"inbox", "read", "--all"}),
            "既読にしました (marked read): 1; 未読 (unread): 0\n");
  EXPECT_EQ(pharmacist.ok({"inbox", "--unread"}), "");
  EXPECT_EQ(lines_of(pharmacist.ok({"inbox"})).size(), 3u);
  EXPECT_EQ(pharmacist.run({"inbox", "read"}).exit_code(), 2);  // neither ids nor --all
}

TEST_F(CliNotifications, AHelperRaisesAnEmergencyAndTheNurseAnswersIt) {
  const auto nurse = signed_in_user("sato", "佐藤 花子");
  const auto helper = signed_in_user("kato", "加藤 ヘルパー", kStation, "home_helper");
  const auto room = open_room(nurse, "佐藤 一郎");
  nurse.ok({"room", "add", room, "kato"});
  EXPECT_EQ(helper.ok({"emergency-status", room}),
            "緊急連絡はありません (no emergency was raised in this room)\n");

  // The plan calls the nurse first.
  auto plan =
      json::parse(read_file(kTemplateExamples / "emergency_plan" / "valid-full-members.json"));
  plan["contacts"][0]["member"] = "sato";
  const auto plan_file = dir_.path() / "plan.json";
  std::ofstream(plan_file) << plan.dump();
  nurse.ok({"record", room, "emergency_plan", plan_file.string()});

  const auto raised = helper.ok({"emergency", room, "--note", "呼びかけに反応が弱い"});
  const auto head = std::string("=== 緊急連絡 #");
  ASSERT_EQ(raised.rfind(head, 0), 0u) << raised;
  const auto seq = raised.substr(head.size(), raised.find(' ', head.size()) - head.size());
  EXPECT_TRUE(contains(raised, " を発信しました (emergency call raised) ===\n")) << raised;
  EXPECT_TRUE(
      contains(raised, "連絡した人 (alerted):\n  第1段階 (tier 1) 佐藤 花子 (sato), 看護師\n"))
      << raised;
  EXPECT_TRUE(contains(raised,
                       "ヘルパーの手順 (what to do now):\n"
                       "  1. 呼びかけて反応と呼吸を確認する。\n"
                       "  2. 「緊急連絡」を押し、応答した看護師の指示に従う。\n"))
      << raised;
  // A second tap finds the open one.
  EXPECT_TRUE(contains(helper.ok({"emergency", room}),
                       "=== 緊急連絡 #" + seq + " は発信済みです (already raised) ==="));

  const auto alert = line_with(nurse.ok({"inbox"}), room + " #" + seq);
  EXPECT_TRUE(
      contains(alert, "\t緊急連絡：至急応答してください\t" + room + " #" + seq +
                          "\t要確認\t未読\t佐藤 一郎 様 / 加藤 ヘルパー: 呼びかけに反応が弱い"))
      << alert;

  // The raiser cannot answer their own call; the nurse can, and is the first.
  const auto own = helper.run({"ack", room, seq});
  EXPECT_EQ(own.exit_code(), 1);
  EXPECT_TRUE(contains(own.err, "you raised this emergency")) << own.err;
  EXPECT_EQ(nurse.ok({"ack", room, seq, "--note", "向かいます（15分）"}),
            "緊急連絡 #" + seq +
                " に応答しました。あなたが最初の応答者です (you are the first responder)\n");

  const auto status = helper.ok({"emergency-status", room});
  EXPECT_TRUE(contains(status, "緊急連絡 #" + seq + ": 対応中 (open)\n")) << status;
  EXPECT_TRUE(contains(status, "発信 (raised by): 加藤 ヘルパー (kato), 訪問介護員（ヘルパー）"))
      << status;
  EXPECT_TRUE(contains(status, "  第1段階 (tier 1) 佐藤 花子 (sato), 看護師: ✓ 応答 (answered) "))
      << status;
  EXPECT_TRUE(contains(status, "応答者 (responder): 佐藤 花子 (sato), 看護師 ")) << status;
  EXPECT_TRUE(contains(status, ", 看護師: 向かいます（15分）\n")) << status;

  EXPECT_EQ(nurse.ok({"emergency-close", room, seq, "stable_at_home", "--note", "呼吸は安定"}),
            "緊急連絡 #" + seq + " を終了しました (closed): 在宅で様子を見る (stable_at_home)\n");
  const auto again = nurse.run({"emergency-close", room, seq, "stable_at_home"});
  EXPECT_EQ(again.exit_code(), 1);
  EXPECT_EQ(again.err, "musubi: the emergency is already closed\n");
  EXPECT_EQ(nurse.run({"emergency-close", room, seq, "fine"}).exit_code(), 2);
  const auto closed = json::parse(helper.ok({"emergency-status", room, "--json"}));
  EXPECT_EQ(closed["emergency"]["status"], "closed");
  EXPECT_EQ(closed["emergency"]["outcome"], "stable_at_home");
  EXPECT_TRUE(contains(helper.ok({"emergency-status", room, "--seq", seq}),
                       "結果 (outcome): 在宅で様子を見る (stable_at_home): 呼吸は安定\n"));

  // The whole episode is in the room's history.
  const auto history = helper.ok({"history", room});
  EXPECT_TRUE(contains(history, "#" + seq + " ")) << history;
  EXPECT_TRUE(contains(history,
                       " 加藤 ヘルパー: 緊急連絡 (emergency call): 呼びかけに反応が弱い; "
                       "連絡 (alerted): 佐藤 花子 (sato)\n"))
      << history;
  EXPECT_TRUE(contains(history, " 佐藤 花子: 緊急連絡 #" + seq +
                                    " に応答 (answered)、最初の応答 (first): 向かいます（15分）\n"))
      << history;
  EXPECT_TRUE(contains(history, " 佐藤 花子: 緊急連絡 #" + seq +
                                    " を終了 (closed): 在宅で様子を見る (stable_at_home): "
                                    "呼吸は安定\n"))
      << history;
}

TEST_F(CliNotifications, TailPrintsNotificationsOfEveryRoomButNotAcknowledgements) {
  const auto nurse = signed_in_user("sato", "佐藤 花子");
  const auto pharmacist = signed_in_user("ito", "伊藤 薬剤師", kStation, "pharmacist");
  const auto room = open_room(nurse, "佐藤 一郎");
  const auto other = open_room(nurse, "高橋 花子");
  nurse.ok({"room", "add", room, "ito"});
  nurse.ok({"room", "add", other, "ito"});
  auto tail = pharmacist.start({"tail", room});
  ASSERT_TRUE(tail->wait_for_stderr("following " + room, kEventTimeout)) << tail->stderr_text();

  const auto seq = trim(nurse.ok({"post", room, "麻薬の残数は？", "--mention", "ito", "--ack"}));
  // The entry and the notification, in whichever order they come.
  std::string printed;
  for (int i = 0; i < 2; ++i) {
    const auto line = tail->read_line(kEventTimeout);
    ASSERT_TRUE(line.has_value()) << tail->stderr_text();
    printed += *line + "\n";
  }
  EXPECT_TRUE(contains(printed, " 佐藤 花子: 麻薬の残数は？ [宛先 to: @ito] [要確認]\n"))
      << printed;
  EXPECT_TRUE(contains(printed, "\n[通知 ") || printed.starts_with("[通知 ")) << printed;
  EXPECT_TRUE(contains(printed, " あなた宛ての投稿があります: " + room + " #" + seq +
                                    " [要確認] 佐藤 一郎 様 / 佐藤 花子: 麻薬の残数は？\n"))
      << printed;

  // Another room's notification is printed; its entry is not.
  const auto elsewhere = trim(nurse.ok({"post", other, "処方変更です", "--mention", "ito"}));
  const auto line = tail->read_line(kEventTimeout);
  ASSERT_TRUE(line.has_value()) << tail->stderr_text();
  EXPECT_TRUE(
      contains(*line, ": " + other + " #" + elsewhere + " 高橋 花子 様 / 佐藤 花子: 処方変更です"))
      << *line;

  // An acknowledgement is not printed (like read receipts): the next line is the next entry.
  pharmacist.ok({"ack", room, seq});
  nurse.ok({"post", room, "ありがとうございます"});
  const auto next = tail->read_line(kEventTimeout);
  ASSERT_TRUE(next.has_value()) << tail->stderr_text();
  EXPECT_TRUE(contains(*next, " 佐藤 花子: ありがとうございます")) << *next;
}

}  // namespace
}  // namespace musubi::testing
