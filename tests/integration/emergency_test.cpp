// The emergency call: alerting the plan's contacts in order, escalation, the first answer, closing,
// and escalation surviving a restart, over real TLS.
#include <gtest/gtest.h>

#include "clients/client/client_connection.hpp"
#include "server/clock.hpp"
#include "storage/database.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/template_examples.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

// A room whose emergency plan calls the visiting nurse first, then the physician, then the
// family (not a member); the care manager and the pharmacist are the last tier. The helper
// raises the emergency.
class Emergency : public ::testing::Test {
 protected:
  explicit Emergency(int escalation_seconds = 180)
      : server([escalation_seconds](server::ServerConfig& c) {
          c.timeouts.emergency_escalation_seconds = escalation_seconds;
        }) {}

  void SetUp() override {
    server.add_user("vn", "田中 看護師");
    server.add_user("cm", "岡本 ケアマネジャー", "care_manager");
    server.add_user("ph", "伊藤 薬剤師", "pharmacist", TestServer::kPharmacy);
    server.add_user("hh", "鈴木 ヘルパー", "home_helper");
    vn = server.sign_in("vn");
    room = create_room(server, *vn, "佐藤 一郎");
    for (const char* login : {"test.dr", "cm", "ph", "hh"})
      add_member(*vn, room, login);
    auto acp = read_json(kTemplateExamples / "acp_decision" / "valid-minimal.json");
    acp_seq =
        ok(vn->request("room.post_record",
                       {{"room", room}, {"template", "acp_decision"}, {"content", acp}}))["seq"];
    plan = read_json(kTemplateExamples / "emergency_plan" / "valid-minimal.json");
    plan["contacts"] = json::array({
        {{"order", 1}, {"name", "訪問看護 田中"}, {"phone", "04-7000-0101"}, {"member", "vn"}},
        {{"order", 2}, {"name", "在宅医"}, {"phone", "04-7000-0202"}, {"member", "test.dr"}},
        {{"order", 3}, {"name", "長女"}, {"phone", "090-0000-1234"}},
    });
    plan["helper_steps"] = {"呼びかけて反応と呼吸を確認する。",
                            "緊急連絡を押して看護師の指示を待つ。"};
    plan_seq =
        ok(vn->request("room.post_record",
                       {{"room", room}, {"template", "emergency_plan"}, {"content", plan}}))["seq"];
    hh = server.sign_in("hh");
    ok(hh->request("room.subscribe", {{"rooms", {{{"room", room}}}}}));
  }

  json raise(const std::string& note = "呼びかけに反応が弱い") {
    return ok(hh->request("emergency.raise", {{"room", room}, {"note", note}}));
  }

  json status(client::ClientConnection& c) {
    return ok(c.request("emergency.status", {{"room", room}}))["emergency"];
  }

  // The notifications of one kind in a user's inbox.
  static json inbox_of_kind(client::ClientConnection& c, const std::string& kind) {
    json out = json::array();
    const auto inbox = ok(c.request("inbox.list", {{"limit", 200}}));
    for (const auto& n : inbox["notifications"]) {
      if (n["kind"] == kind) out.push_back(n);
    }
    return out;
  }

  // The next room event of this type the helper sees.
  json next_of_type(const std::string& type) {
    for (;;) {
      auto event = next_room_event(*hh, std::chrono::seconds(15));
      if (event.is_null() || event["type"] == type) return event;
    }
  }

  std::vector<std::string> history_types() {
    std::vector<std::string> types;
    const auto history =
        ok(vn->request("room.history", {{"room", room}, {"from", plan_seq}, {"order", "asc"}}));
    for (const auto& e : history["events"]) {
      types.push_back(e["type"]);
    }
    return types;
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> vn, hh;
  std::string room;
  json plan;
  json acp_seq, plan_seq;
};

TEST_F(Emergency, RaisingAlertsTheFirstTierWithThePlanAndGivesTheHelperTheSteps) {
  auto dr = server.sign_in("test.dr");
  const auto raised = raise();
  // The helper has the steps for a helper alone at once.
  EXPECT_EQ(raised["helper_steps"], plan["helper_steps"]);
  EXPECT_EQ(raised["already_open"], false);
  const auto& e = raised["emergency"];
  EXPECT_EQ(e["status"], "open");
  EXPECT_EQ(e["tier"], 1);
  EXPECT_EQ(e["tiers"], 3);  // nurse, physician, then everyone else
  ASSERT_EQ(e["alerted"].size(), 1u);
  EXPECT_EQ(e["alerted"][0]["login"], "vn");
  EXPECT_TRUE(e["escalation_due"].is_string());

  // The nurse is alerted with the plan and the ACP decision attached.
  const auto alert = next_event_named(*vn, "notification");
  ASSERT_TRUE(alert.is_object());
  EXPECT_EQ(alert["kind"], "emergency");
  EXPECT_EQ(alert["requires_ack"], true);
  EXPECT_EQ(alert["seq"], e["seq"]);
  EXPECT_EQ(alert["emergency"], e["seq"]);
  EXPECT_EQ(alert["plan"]["seq"], plan_seq);
  EXPECT_EQ(alert["acp"]["seq"], acp_seq);
  EXPECT_EQ(alert["helper_steps"], plan["helper_steps"]);
  // The physician is in the next tier: not yet.
  EXPECT_EQ(inbox_of_kind(*dr, "emergency").size(), 0u);
  // Every follower of the room sees the raise entry.
  const auto entry = next_of_type("emergency");
  EXPECT_EQ(entry["seq"], e["seq"]);
  EXPECT_EQ(entry["note"], "呼びかけに反応が弱い");

  // A second tap returns the open emergency instead of starting another chain.
  const auto again = raise("もう一度");
  EXPECT_EQ(again["already_open"], true);
  EXPECT_EQ(again["emergency"]["seq"], e["seq"]);
  EXPECT_EQ(inbox_of_kind(*vn, "emergency").size(), 1u);
}

class FastEmergency : public Emergency {
 protected:
  FastEmergency() : Emergency(1) {}
};

TEST_F(FastEmergency, NobodyAnsweringEscalatesThroughEveryTierThenSaysSo) {
  auto dr = server.sign_in("test.dr");
  auto cm = server.sign_in("cm");
  const auto seq = raise()["emergency"]["seq"];
  const auto tier2 = next_of_type("emergency_escalated");
  ASSERT_TRUE(tier2.is_object());
  EXPECT_EQ(tier2["tier"], 2);
  EXPECT_EQ(tier2["alerted"][0]["login"], "test.dr");
  const auto dr_alert = next_event_named(*dr, "notification");
  EXPECT_EQ(dr_alert["kind"], "emergency");
  EXPECT_EQ(dr_alert["seq"], seq);
  const auto tier3 = next_of_type("emergency_escalated");
  ASSERT_TRUE(tier3.is_object());
  EXPECT_EQ(tier3["tier"], 3);
  EXPECT_EQ(tier3["alerted"].size(), 2u);  // the care manager and the pharmacist
  EXPECT_EQ(next_event_named(*cm, "notification")["kind"], "emergency");
  const auto exhausted = next_of_type("emergency_escalated");
  ASSERT_TRUE(exhausted.is_object());
  EXPECT_EQ(exhausted["exhausted"], true);

  // The helper was told at every step; everyone was alerted exactly once.
  EXPECT_EQ(inbox_of_kind(*hh, "emergency_update").size(), 3u);
  for (auto* c : {vn.get(), dr.get(), cm.get()})
    EXPECT_EQ(inbox_of_kind(*c, "emergency").size(), 1u);
  const auto s = status(*hh);
  EXPECT_EQ(s["exhausted"], true);
  EXPECT_EQ(s["alerted"].size(), 4u);
  EXPECT_TRUE(s["escalation_due"].is_null());
  EXPECT_EQ(history_types(),
            (std::vector<std::string>{"record", "emergency", "emergency_escalated",
                                      "emergency_escalated", "emergency_escalated"}));
}

class SlowEmergency : public Emergency {
 protected:
  SlowEmergency() : Emergency(3) {}
};

TEST_F(SlowEmergency, TheFirstAnswerStopsEscalationAndTellsEveryoneWhoIsResponding) {
  const auto seq = raise()["emergency"]["seq"];
  const auto answer =
      ok(vn->request("room.acknowledge", {{"room", room}, {"seq", seq}, {"note", "向かいます"}}));
  EXPECT_EQ(answer["first"], true);
  const auto response = next_of_type("emergency_response");
  ASSERT_TRUE(response.is_object());
  EXPECT_EQ(response["author"]["login"], "vn");
  EXPECT_EQ(response["first"], true);
  EXPECT_EQ(response["note"], "向かいます");
  const auto update = next_event_named(*hh, "notification");
  EXPECT_EQ(update["kind"], "emergency_update");
  const auto s = status(*hh);
  EXPECT_EQ(s["responder"]["login"], "vn");
  EXPECT_TRUE(s["escalation_due"].is_null());
  EXPECT_EQ(s["responses"][0]["note"], "向かいます");
  // Once someone is coming, nobody else owes an answer.
  EXPECT_EQ(ok(hh->request("room.acknowledgements", {{"room", room}}))["entries"].size(), 0u);

  // A second emergency, raised after the answer, escalates after the first one would have:
  // once it has, the first one's timer has run too, and it alerted nobody.
  auto other_room = create_room(server, *vn, "高橋 花子");
  add_member(*vn, other_room, "cm");
  ok(vn->request("room.subscribe", {{"rooms", {{{"room", other_room}}}}}));
  ok(vn->request("emergency.raise", {{"room", other_room}}));
  for (;;) {
    const auto event = next_room_event(*vn, std::chrono::seconds(15));
    ASSERT_TRUE(event.is_object()) << "the other room never escalated";
    if (event["room"] == other_room && event["type"] == "emergency_escalated") break;
  }
  auto dr = server.sign_in("test.dr");
  EXPECT_EQ(inbox_of_kind(*dr, "emergency").size(), 0u);
  EXPECT_EQ(status(*hh)["tier"], 1);
  EXPECT_EQ(history_types(),
            (std::vector<std::string>{"record", "emergency", "emergency_response"}));
}

TEST_F(Emergency, ClosingRecordsTheOutcomeAndTheWholeEpisodeIsInHistory) {
  const auto seq = raise()["emergency"]["seq"];
  // The raiser cannot answer their own call; a bad outcome is refused.
  expect_error(hh->request("room.acknowledge", {{"room", room}, {"seq", seq}}), "invalid_request");
  ok(vn->request("room.acknowledge", {{"room", room}, {"seq", seq}}));
  expect_error(
      vn->request("emergency.close", {{"room", room}, {"emergency", seq}, {"outcome", "fine"}}),
      "invalid_request");
  const auto closed = ok(vn->request(
      "emergency.close",
      {{"room", room}, {"emergency", seq}, {"outcome", "stable_at_home"}, {"note", "SpO2 回復"}}));
  EXPECT_EQ(closed["emergency"]["status"], "closed");
  EXPECT_EQ(closed["emergency"]["outcome"], "stable_at_home");
  EXPECT_EQ(closed["emergency"]["closed_by"]["login"], "vn");
  EXPECT_TRUE(closed["emergency"]["closed_at"].is_string());
  expect_error(
      vn->request("emergency.close", {{"room", room}, {"emergency", seq}, {"outcome", "other"}}),
      "conflict");
  expect_error(vn->request("emergency.close",
                           {{"room", room}, {"emergency", plan_seq}, {"outcome", "other"}}),
               "not_found");
  EXPECT_EQ(history_types(), (std::vector<std::string>{"record", "emergency", "emergency_response",
                                                       "emergency_closed"}));
  // A new emergency may be raised once the last one is closed.
  EXPECT_EQ(raise()["already_open"], false);
}

TEST_F(Emergency, RestartInTheMiddleOfEscalationLosesNoAlertAndRepeatsNone) {
  const auto seq = raise()["emergency"]["seq"].get<std::int64_t>();
  vn.reset();
  hh.reset();
  server.stop();
  // The server was down past the next step's due time.
  {
    storage::Database db(server.config().database_path(), storage::OpenMode::read_write);
    db.prepare("UPDATE emergencies SET escalate_at_ms = ? WHERE seq = ?")
        .bind(1, server::now_ms() - 1000)
        .bind(2, seq)
        .run();
  }
  server.start();
  // The physician (tier 2) is alerted once: in the sign-in reply if the step ran first, else live.
  auto dr = server.connect();
  const auto signed_in = ok(dr->request(
      "session.sign_in", {{"login", "test.dr"}, {"password", kPassword}, {"device", "test"}}));
  if (signed_in["notifications"].empty()) {
    const auto live = next_event_named(*dr, "notification");
    ASSERT_TRUE(live.is_object()) << "tier 2 was never alerted after the restart";
  }
  const auto alerts = inbox_of_kind(*dr, "emergency");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["seq"], seq);
  vn = server.sign_in("vn");
  EXPECT_EQ(inbox_of_kind(*vn, "emergency").size(), 1u);
  EXPECT_EQ(status(*vn)["tier"], 2);

  // Another restart: the next step is 180 s away, nothing is sent again.
  dr.reset();
  vn.reset();
  server.restart();
  vn = server.sign_in("vn");
  EXPECT_EQ(status(*vn)["tier"], 2);
  EXPECT_EQ(history_types(),
            (std::vector<std::string>{"record", "emergency", "emergency_escalated"}));
  dr = server.sign_in("test.dr");
  EXPECT_EQ(inbox_of_kind(*dr, "emergency").size(), 1u);
}

TEST_F(Emergency, ANonMemberCannotRaiseOrSeeAnEmergency) {
  server.add_user("outsider");
  auto outsider = server.sign_in("outsider");
  expect_error(outsider->request("emergency.raise", {{"room", room}}), "not_found");
  const auto seq = raise()["emergency"]["seq"];
  expect_error(outsider->request("emergency.status", {{"room", room}}), "not_found");
  expect_error(outsider->request("room.acknowledge", {{"room", room}, {"seq", seq}}), "not_found");
  expect_error(outsider->request("emergency.close",
                                 {{"room", room}, {"emergency", seq}, {"outcome", "other"}}),
               "not_found");
  EXPECT_EQ(ok(outsider->request("inbox.list", json::object()))["notifications"].size(), 0u);
  expect_error(hh->request("emergency.raise", {{"room", room}, {"note", 7}}), "invalid_request");
  expect_error(hh->request("emergency.status", {{"room", room}, {"emergency", "x"}}),
               "invalid_request");
}

TEST_F(Emergency, APlanMustNameMembersToAlert) {
  auto bad = plan;
  bad["contacts"][1]["member"] = "nobody";
  const auto reply = vn->request(
      "room.post_record", {{"room", room}, {"template", "emergency_plan"}, {"content", bad}});
  expect_error(reply, "invalid_request");
  EXPECT_NE(reply.error_message.find("body.content.contacts[1].member"), std::string::npos)
      << reply.error_message;
}

TEST_F(Emergency, WithoutAPlanEveryOtherMemberIsAlertedAtOnce) {
  auto other_room = create_room(server, *vn, "高橋 花子");
  add_member(*vn, other_room, "hh");
  add_member(*vn, other_room, "cm");
  const auto raised = ok(hh->request("emergency.raise", {{"room", other_room}}));
  EXPECT_TRUE(raised["plan"].is_null());
  EXPECT_EQ(raised["helper_steps"], json::array());
  EXPECT_EQ(raised["emergency"]["tiers"], 1);
  EXPECT_EQ(raised["emergency"]["alerted"].size(), 2u);
}

}  // namespace
}  // namespace musubi::testing
