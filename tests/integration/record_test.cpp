// Structured records (templates), corrections, withdrawals and the current plan, over real TLS.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "protocol/template_catalog.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/template_examples.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const kTemplates[] = {"discharge_summary", "admission_info",   "acp_decision",
                                  "emergency_plan",    "end_of_life_note", "daily_care_note"};

const json kDailyNote = {{"observed_at", "2026-11-25T10:00:00+09:00"}};

class Records : public ::testing::Test {
 protected:
  void SetUp() override {
    server.add_user("vn", "田中 看護師");
    server.add_user("helper", "鈴木 ヘルパー", "home_helper");
    vn = server.sign_in("vn");
    room = create_room(server, *vn, "佐藤 一郎");
    add_member(*vn, room, "helper");
    helper = server.sign_in("helper");
  }

  json post_record(client::ClientConnection& c, const std::string& tpl, const json& content) {
    return ok(
        c.request("room.post_record", {{"room", room}, {"template", tpl}, {"content", content}}));
  }

  TestServer server{[](server::ServerConfig& c) {
    c.limits.requests_per_second = 10000;
    c.limits.request_burst = 10000;
  }};
  std::unique_ptr<client::ClientConnection> vn, helper;
  std::string room;
};

TEST_F(Records, TheCatalogListsEveryTemplateWithJapaneseAndEnglishTitles) {
  const auto list = ok(vn->request("meta.templates", json::object()))["templates"];
  std::set<std::string> ids;
  for (const auto& t : list) {
    ids.insert(t["id"]);
    EXPECT_FALSE(t["title"]["ja"].get<std::string>().empty());
    EXPECT_FALSE(t["title"]["en"].get<std::string>().empty());
    EXPECT_TRUE(t["schema"].is_object());
  }
  for (const char* id : kTemplates)
    EXPECT_TRUE(ids.contains(id)) << id;
}

TEST_F(Records, EveryValidExampleIsAcceptedAndReachesTheRoom) {
  ok(helper->request("room.subscribe", {{"rooms", {{{"room", room}}}}}));
  for (const char* id : kTemplates) {
    const auto valid = template_examples(id, "valid-");
    ASSERT_FALSE(valid.empty()) << id;
    for (const auto& file : valid) {
      const auto content = read_json(file);
      const auto ack = post_record(*vn, id, content);
      const auto event = next_room_event(*helper);
      ASSERT_FALSE(event.is_null()) << file;
      EXPECT_EQ(event["seq"], ack["seq"]);
      EXPECT_EQ(event["type"], "record");
      EXPECT_EQ(event["template"], id);
      EXPECT_EQ(event["template_version"], protocol::TemplateCatalog::embedded().find(id)->version);
      EXPECT_EQ(event["content"], content) << file;
    }
  }
}

TEST_F(Records, EveryInvalidExampleIsRefusedNamingItsField) {
  for (const char* id : kTemplates) {
    const auto invalid = template_examples(id, "invalid-");
    ASSERT_GE(invalid.size(), 4u) << id;
    for (const auto& file : invalid) {
      auto expect = file;
      expect.replace_extension(".expect");
      const std::string field = read_first_line(expect);
      const auto reply = vn->request(
          "room.post_record", {{"room", room}, {"template", id}, {"content", read_json(file)}});
      EXPECT_FALSE(reply.ok) << file;
      EXPECT_TRUE(reply.error_code == "invalid_request" || reply.error_code == "too_large")
          << file << ": " << reply.error_code;
      const std::string where = field.empty() ? "body.content:" : "body.content." + field + ":";
      EXPECT_TRUE(reply.error_message.starts_with(where))
          << file << ": expected " << where << " got " << reply.error_message;
    }
  }
}

TEST_F(Records, UnknownTemplatesAndNonObjectsAreRefused) {
  auto reply =
      vn->request("room.post_record",
                  {{"room", room}, {"template", "prescription"}, {"content", json::object()}});
  expect_error(reply, "invalid_request");
  EXPECT_NE(reply.error_message.find("prescription"), std::string::npos);
  expect_error(vn->request("room.post_record",
                           {{"room", room}, {"template", "daily_care_note"}, {"content", "x"}}),
               "invalid_request");
}

TEST_F(Records, TheCurrentPlanFollowsNewRecordsRevisionsAndWithdrawals) {
  const auto acp = read_json(template_examples("acp_decision", "valid-").front());
  auto plan = ok(helper->request("room.current_plan", {{"room", room}}));
  EXPECT_TRUE(plan["acp_decision"].is_null());
  EXPECT_TRUE(plan["emergency_plan"].is_null());

  const auto first = post_record(*vn, "acp_decision", acp)["seq"].get<std::int64_t>();
  const auto second = post_record(*vn, "acp_decision", acp)["seq"].get<std::int64_t>();
  plan = ok(helper->request("room.current_plan", {{"room", room}}));
  EXPECT_EQ(plan["acp_decision"]["seq"], second);
  EXPECT_TRUE(plan["acp_decision"]["revision"].is_null());

  // A correction of the current one: the plan shows its new content, the original is kept.
  auto corrected = acp;
  corrected["patient_values"] = "最期まで家で孫の声を聞いていたい";
  const auto revision = ok(vn->request(
      "room.correct",
      {{"room", room}, {"seq", second}, {"content", corrected}, {"reason", "本人の言葉を追記"}}));
  EXPECT_EQ(revision["revises"], second);
  plan = ok(helper->request("room.current_plan", {{"room", room}}));
  EXPECT_EQ(plan["acp_decision"]["seq"], second);
  EXPECT_EQ(plan["acp_decision"]["content"], corrected);
  EXPECT_EQ(plan["acp_decision"]["revision"]["seq"], revision["seq"]);
  EXPECT_EQ(plan["acp_decision"]["revision"]["reason"], "本人の言葉を追記");

  // A second correction (again of the original: revisions always point at it) wins.
  auto recorrected = corrected;
  recorrected["patient_values"] = "家で過ごしたい。苦しくないようにしてほしい。";
  const auto second_revision = ok(vn->request(
      "room.correct",
      {{"room", room}, {"seq", second}, {"content", recorrected}, {"reason", "DNAR に変更"}}));
  plan = ok(helper->request("room.current_plan", {{"room", room}}));
  EXPECT_EQ(plan["acp_decision"]["seq"], second);
  EXPECT_EQ(plan["acp_decision"]["content"], recorrected);
  EXPECT_EQ(plan["acp_decision"]["revision"]["seq"], second_revision["seq"]);

  // Withdrawn: the plan falls back to the one before.
  ok(vn->request("room.withdraw", {{"room", room}, {"seq", second}, {"reason", "誤って投稿"}}));
  plan = ok(helper->request("room.current_plan", {{"room", room}}));
  EXPECT_EQ(plan["acp_decision"]["seq"], first);
  EXPECT_EQ(plan["acp_decision"]["content"], acp);

  // The emergency plan is the other half of the same answer.
  const auto emergency = read_json(template_examples("emergency_plan", "valid-").front());
  const auto plan_seq = post_record(*vn, "emergency_plan", emergency)["seq"];
  plan = ok(helper->request("room.current_plan", {{"room", room}}));
  EXPECT_EQ(plan["emergency_plan"]["seq"], plan_seq);
  EXPECT_EQ(plan["emergency_plan"]["content"], emergency);
  EXPECT_EQ(plan["acp_decision"]["seq"], first);

  // The whole story stays in the history.
  const auto history =
      ok(helper->request("room.history", {{"room", room}, {"order", "asc"}, {"from", first}}));
  std::vector<std::string> types;
  for (const auto& e : history["events"])
    types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"record", "record", "revision", "revision",
                                             "withdrawal", "record"}));
  EXPECT_EQ(history["events"][2]["revises"], second);
  EXPECT_EQ(history["events"][3]["revises"], second);
  EXPECT_EQ(history["events"][3]["content"], recorrected);
  EXPECT_EQ(history["events"][4]["withdraws"], second);
  EXPECT_EQ(history["events"][1]["content"], acp);  // the original, as written
}

TEST_F(Records, MessagesAreCorrectedWithText) {
  const auto seq = post(*vn, room, "血圧 182/96");
  const auto revision =
      ok(vn->request("room.correct", {{"room", room}, {"seq", seq}, {"text", "血圧 128/96"}}));
  const auto history = ok(vn->request("room.history", {{"room", room}, {"limit", 2}}));
  EXPECT_EQ(history["events"][0]["type"], "revision");
  EXPECT_EQ(history["events"][0]["text"], "血圧 128/96");
  EXPECT_EQ(history["events"][1]["text"], "血圧 182/96");
  // A message is not corrected with record content, nor a record with text.
  expect_error(
      vn->request("room.correct", {{"room", room}, {"seq", seq}, {"content", json::object()}}),
      "invalid_request");
  // Only messages and records are corrected: not a revision, nor a membership entry.
  expect_error(
      vn->request("room.correct", {{"room", room}, {"seq", revision["seq"]}, {"text", "x"}}),
      "invalid_request");
  expect_error(vn->request("room.correct", {{"room", room}, {"seq", 1}, {"text", "x"}}),
               "invalid_request");
}

TEST_F(Records, OnlyTheAuthorCorrectsOrWithdraws) {
  const auto seq = post(*vn, room, "訪問しました");
  expect_error(helper->request("room.correct", {{"room", room}, {"seq", seq}, {"text", "x"}}),
               "forbidden");
  expect_error(helper->request("room.withdraw", {{"room", room}, {"seq", seq}, {"reason", "x"}}),
               "forbidden");
  ok(vn->request("room.withdraw",
                 {{"room", room}, {"seq", seq}, {"reason", "別の部屋と間違えた"}}));
  expect_error(vn->request("room.withdraw", {{"room", room}, {"seq", seq}, {"reason", "again"}}),
               "conflict");
  expect_error(vn->request("room.correct", {{"room", room}, {"seq", seq}, {"text", "x"}}),
               "conflict");
  expect_error(vn->request("room.correct", {{"room", room}, {"seq", 9999}, {"text", "x"}}),
               "not_found");
}

TEST_F(Records, NonMembersSeeNoPlanAndPostNoRecord) {
  server.add_user("stranger");
  auto stranger = server.sign_in("stranger");
  expect_error(stranger->request("room.current_plan", {{"room", room}}), "not_found");
  expect_error(
      stranger->request("room.post_record",
                        {{"room", room}, {"template", "daily_care_note"}, {"content", kDailyNote}}),
      "not_found");
}

TEST_F(Records, AClosedRoomTakesNoRecordsOrCorrections) {
  const auto seq = post(*vn, room, "最後の記録");
  ok(vn->request("room.close", {{"room", room}, {"reason", "death"}}));
  expect_error(
      vn->request("room.post_record",
                  {{"room", room}, {"template", "daily_care_note"}, {"content", kDailyNote}}),
      "room_closed");
  expect_error(vn->request("room.correct", {{"room", room}, {"seq", seq}, {"text", "x"}}),
               "room_closed");
  // The plan stays readable.
  ok(vn->request("room.current_plan", {{"room", room}}));
}

TEST_F(Records, ADischargeSummaryExportsAsAFhirDocumentOfItsLatestRevision) {
  const auto summary = read_json(template_examples("discharge_summary", "valid-full").front());
  const auto seq = post_record(*vn, "discharge_summary", summary)["seq"].get<std::int64_t>();
  auto corrected = summary;
  corrected["hospital_course"] = "入院後、利尿薬の調整で心不全は改善した。";
  const auto revision = ok(vn->request(
      "room.correct",
      {{"room", room}, {"seq", seq}, {"content", corrected}, {"reason", "経過を修正"}}));

  const auto exported = ok(helper->request("room.export_fhir", {{"room", room}, {"seq", seq}}));
  EXPECT_EQ(exported["seq"], seq);
  const auto& bundle = exported["bundle"];
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "document");
  EXPECT_EQ(bundle["entry"][0]["resource"]["resourceType"], "Composition");
  EXPECT_NE(bundle["identifier"]["value"].get<std::string>().find(
                std::to_string(revision["seq"].get<std::int64_t>())),
            std::string::npos);
  bool patient_found = false;
  for (const auto& entry : bundle["entry"]) {
    if (entry["resource"]["resourceType"] == "Patient") {
      patient_found = true;
      EXPECT_NE(entry["resource"].dump().find("佐藤"), std::string::npos);
    }
  }
  EXPECT_TRUE(patient_found);
  // The corrected course, not the original, is in the document.
  EXPECT_NE(bundle.dump().find("利尿薬の調整で心不全は改善した"), std::string::npos);

  // Only discharge summaries; only members; not once withdrawn.
  const auto note = post_record(*vn, "daily_care_note", kDailyNote)["seq"];
  expect_error(vn->request("room.export_fhir", {{"room", room}, {"seq", note}}), "invalid_request");
  expect_error(vn->request("room.export_fhir", {{"room", room}, {"seq", 9999}}), "not_found");
  server.add_user("stranger");
  auto stranger = server.sign_in("stranger");
  expect_error(stranger->request("room.export_fhir", {{"room", room}, {"seq", seq}}), "not_found");
  ok(vn->request("room.withdraw", {{"room", room}, {"seq", seq}, {"reason", "別患者のもの"}}));
  expect_error(vn->request("room.export_fhir", {{"room", room}, {"seq", seq}}), "conflict");
}

}  // namespace
}  // namespace musubi::testing
