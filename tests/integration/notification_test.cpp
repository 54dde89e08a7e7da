// The notification inbox, mentions, acknowledgement (要確認) and end-of-life routing, over real
// TLS.
#include <map>

#include <gtest/gtest.h>

#include "tests/support/protocol_helpers.hpp"
#include "tests/support/template_examples.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

class Notifications : public ::testing::Test {
 protected:
  void SetUp() override {
    server.add_user("vn", "田中 看護師");
    server.add_user("ph", "伊藤 薬剤師", "pharmacist", TestServer::kPharmacy);
    server.add_user("dt", "山本 歯科医師", "dentist", TestServer::kClinic);
    server.add_user("cm", "岡本 ケアマネジャー", "care_manager");
    server.add_user("hh", "鈴木 ヘルパー", "home_helper");
    vn = server.sign_in("vn");
    room = create_room(server, *vn, "佐藤 一郎");
    for (const char* login : {"ph", "dt", "cm", "hh"})
      add_member(*vn, room, login);
  }

  // Signs in by hand, to see what the reply brings.
  static json sign_in_reply(client::ClientConnection& c, const std::string& login) {
    return ok(c.request("session.sign_in",
                        {{"login", login}, {"password", kPassword}, {"device", "test"}}));
  }

  static json inbox(client::ClientConnection& c, const json& query = json::object()) {
    return ok(c.request("inbox.list", query));
  }

  // The state of each member for one entry: login -> acknowledged_at (null: not yet).
  std::map<std::string, json> ack_state(client::ClientConnection& c, std::int64_t seq) {
    const auto reply = ok(c.request("room.acknowledgements", {{"room", room}, {"seq", seq}}));
    std::map<std::string, json> out;
    EXPECT_EQ(reply["entries"].size(), 1u);
    for (const auto& entry : reply["entries"]) {
      for (const auto& m : entry["members"])
        out[m["login"]] = m["acknowledged_at"];
    }
    return out;
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> vn;
  std::string room;
};

TEST_F(Notifications, MentionsOfAMemberAndOfAProfessionReachExactlyThem) {
  auto ph = server.sign_in("ph");
  auto cm = server.sign_in("cm");
  auto dt = server.sign_in("dt");
  const auto reply = ok(vn->request("room.post", {{"room", room},
                                                  {"text", "麻薬の残数を確認してください"},
                                                  {"mentions", {"cm"}},
                                                  {"mention_professions", {"pharmacist"}}}));
  EXPECT_EQ(reply["notified"], 2);
  for (auto* c : {ph.get(), cm.get()}) {
    const auto n = next_event_named(*c, "notification");
    ASSERT_TRUE(n.is_object());
    EXPECT_EQ(n["kind"], "mention");
    EXPECT_EQ(n["room"], room);
    EXPECT_EQ(n["seq"], reply["seq"]);
    EXPECT_EQ(n["requires_ack"], false);
    EXPECT_EQ(n["about"]["excerpt"], "麻薬の残数を確認してください");
    EXPECT_EQ(n["about"]["author"]["login"], "vn");
  }
  EXPECT_EQ(inbox(*dt)["notifications"].size(), 0u);
  EXPECT_EQ(inbox(*vn)["notifications"].size(), 0u);  // never your own post
  // The mention is part of the entry, for everyone reading the history.
  const auto history = ok(vn->request("room.history", {{"room", room}, {"limit", 1}}));
  EXPECT_EQ(history["events"][0]["mentions"], json({"cm"}));
  EXPECT_EQ(history["events"][0]["mention_professions"], json({"pharmacist"}));
}

TEST_F(Notifications, BadMentionsAreRefusedNamingTheField) {
  const auto refused = [&](const json& extra, const std::string& field) {
    json body = {{"room", room}, {"text", "確認"}};
    body.update(extra);
    const auto reply = vn->request("room.post", body);
    expect_error(reply, "invalid_request");
    EXPECT_NE(reply.error_message.find(field), std::string::npos) << reply.error_message;
  };
  server.add_user("outsider");
  refused({{"mentions", {"ph", "outsider"}}}, "body.mentions[1]");
  refused({{"mentions", "ph"}}, "body.mentions");
  refused({{"mentions", {42}}}, "body.mentions[0]");
  refused({{"mention_professions", {"wizard"}}}, "body.mention_professions[0]");
  refused({{"requires_ack", "yes"}}, "body.requires_ack");
  // Nothing was posted by any of them.
  const auto history = ok(vn->request("room.history", {{"room", room}, {"limit", 1}}));
  EXPECT_EQ(history["events"][0]["type"], "member_added");
}

TEST_F(Notifications, InboxKeepsWhatWasMissedWhileOfflineNewestFirst) {
  const auto first = ok(vn->request(
      "room.post", {{"room", room}, {"text", "明日の訪問は10時です"}, {"mentions", {"ph"}}}));
  const auto second = ok(vn->request(
      "room.post",
      {{"room", room}, {"text", "処方変更あり"}, {"mentions", {"ph"}}, {"requires_ack", true}}));

  // Signing in brings what was missed, newest first, with the room and entry they point to.
  auto ph = server.connect();
  const auto signed_in = sign_in_reply(*ph, "ph");
  EXPECT_EQ(signed_in["unread_notifications"], 2);
  ASSERT_EQ(signed_in["notifications"].size(), 2u);
  EXPECT_EQ(signed_in["notifications"][0]["seq"], second["seq"]);
  EXPECT_EQ(signed_in["notifications"][0]["requires_ack"], true);
  EXPECT_EQ(signed_in["notifications"][1]["seq"], first["seq"]);
  EXPECT_EQ(signed_in["notifications"][1]["room"], room);

  // A reconnect with the session token (resume) brings the same.
  auto again = server.connect();
  const auto resumed =
      ok(again->request("session.resume", {{"token", signed_in["token"].get<std::string>()}}));
  EXPECT_EQ(resumed["notifications"], signed_in["notifications"]);

  // Paging and marking read.
  const auto page = inbox(*again, {{"limit", 1}});
  ASSERT_EQ(page["notifications"].size(), 1u);
  EXPECT_EQ(page["has_more"], true);
  const auto next = inbox(*again, {{"limit", 1}, {"before", page["notifications"][0]["id"]}});
  EXPECT_EQ(next["notifications"][0]["seq"], first["seq"]);
  EXPECT_EQ(next["has_more"], false);
  const auto marked =
      ok(again->request("inbox.mark_read", {{"ids", {next["notifications"][0]["id"]}}}));
  EXPECT_EQ(marked["marked"], 1);
  EXPECT_EQ(marked["unread"], 1);
  EXPECT_EQ(inbox(*again, {{"unread_only", true}})["notifications"].size(), 1u);
  EXPECT_EQ(ok(again->request("inbox.mark_read", {{"all", true}}))["unread"], 0);
  EXPECT_EQ(sign_in_reply(*server.connect(), "ph")["notifications"].size(), 0u);
  // Read is not acknowledged: the 要確認 post still waits for the pharmacist.
  EXPECT_TRUE(ack_state(*vn, second["seq"])["ph"].is_null());
}

TEST_F(Notifications, RequiredAcknowledgementShowsWhoHasAndWhoHasNot) {
  auto ph = server.sign_in("ph");
  const auto seq = ok(vn->request(
      "room.post",
      {{"room", room}, {"text", "退院前カンファレンスは金曜14時"}, {"requires_ack", true}}))["seq"];
  // Without mentions, every other member must acknowledge.
  auto state = ack_state(*vn, seq);
  EXPECT_EQ(state.size(), 4u);
  for (const auto& [login, at] : state)
    EXPECT_TRUE(at.is_null()) << login;
  const auto pending = ok(vn->request("room.acknowledgements", {{"room", room}}));
  ASSERT_EQ(pending["entries"].size(), 1u);
  EXPECT_EQ(pending["entries"][0]["pending"], 4);

  const auto n = next_event_named(*ph, "notification");
  EXPECT_EQ(n["kind"], "ack_request");
  const auto acked =
      ok(ph->request("room.acknowledge", {{"room", room}, {"seq", seq}, {"note", "了解です"}}));
  EXPECT_EQ(acked["already"], false);
  // Every member learns it at once.
  const auto event = next_event_named(*vn, "room.acknowledged");
  ASSERT_TRUE(event.is_object());
  EXPECT_EQ(event["member"]["login"], "ph");
  EXPECT_EQ(event["seq"], seq);
  EXPECT_EQ(event["note"], "了解です");
  state = ack_state(*vn, seq);
  EXPECT_TRUE(state["ph"].is_string());
  EXPECT_TRUE(state["dt"].is_null());
  EXPECT_EQ(ok(vn->request("room.acknowledgements", {{"room", room}}))["entries"][0]["pending"], 3);
  // Acknowledging reads the notification; a second time changes nothing.
  const auto mine = inbox(*ph)["notifications"][0];
  EXPECT_EQ(mine["acknowledged"], true);
  EXPECT_EQ(mine["read"], true);
  EXPECT_EQ(ok(ph->request("room.acknowledge", {{"room", room}, {"seq", seq}}))["already"], true);
  // Someone who leaves the room owes nothing more.
  ok(vn->request("room.remove_member", {{"room", room}, {"login", "dt"}}));
  EXPECT_EQ(ack_state(*vn, seq).count("dt"), 0u);
  EXPECT_EQ(ok(vn->request("room.acknowledgements", {{"room", room}}))["entries"][0]["pending"], 2);
}

TEST_F(Notifications, EndOfLifeNoteReachesAnOfflinePharmacistAndDentistAsMustAcknowledge) {
  auto cm = server.sign_in("cm");
  const auto note = read_json(kTemplateExamples / "end_of_life_note" / "valid-minimal.json");
  const auto posted = ok(cm->request(
      "room.post_record", {{"room", room}, {"template", "end_of_life_note"}, {"content", note}}));
  EXPECT_EQ(posted["notified"], 4);  // every other member, whatever the post said
  const auto& seq = posted["seq"];

  // The pharmacist was offline: the note is waiting at sign-in, as "must acknowledge".
  auto ph = server.connect();
  const auto missed = sign_in_reply(*ph, "ph")["notifications"];
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0]["kind"], "end_of_life");
  EXPECT_EQ(missed[0]["requires_ack"], true);
  EXPECT_EQ(missed[0]["seq"], seq);
  EXPECT_EQ(missed[0]["about"]["template"], "end_of_life_note");

  // The care manager sees who has not acknowledged yet.
  ok(ph->request("room.acknowledge", {{"room", room}, {"seq", seq}}));
  auto state = ack_state(*cm, seq);
  EXPECT_TRUE(state["ph"].is_string());
  EXPECT_TRUE(state["dt"].is_null());
  EXPECT_TRUE(state["vn"].is_null());
  EXPECT_TRUE(state["hh"].is_null());
  EXPECT_EQ(state.count("cm"), 0u);

  // A correction (death confirmed, say) reaches the team again.
  const auto revised =
      read_json(kTemplateExamples / "end_of_life_note" / "valid-death-confirmed.json");
  const auto correction =
      ok(cm->request("room.correct",
                     {{"room", room}, {"seq", seq}, {"content", revised}, {"reason", "死亡確認"}}));
  EXPECT_EQ(correction["notified"], 4);
  auto dt = server.connect();
  const auto dentist = sign_in_reply(*dt, "dt")["notifications"];
  ASSERT_EQ(dentist.size(), 2u);
  EXPECT_EQ(dentist[0]["seq"], correction["seq"]);
  EXPECT_EQ(dentist[0]["kind"], "end_of_life");
}

TEST_F(Notifications, WhatANotificationSaysCarriesNoPatientInformation) {
  auto ph = server.sign_in("ph");
  ok(vn->request("room.post",
                 {{"room", room}, {"text", "佐藤一郎さん 血圧 80/50"}, {"mentions", {"ph"}}}));
  const auto n = next_event_named(*ph, "notification");
  ASSERT_TRUE(n.is_object());
  // The notice is all a push or an e-mail would carry: fixed words, nothing of the room.
  EXPECT_EQ(n["notice"]["ja"], "あなた宛ての投稿があります");
  EXPECT_EQ(n["notice"]["en"], "A post mentions you");
  EXPECT_EQ(n["notice"].dump().find("佐藤"), std::string::npos);
  EXPECT_EQ(n["about"]["room_title"].get<std::string>().find("佐藤"), 0u);

  // Once removed from the room, the pointer stays but what it points to is gone.
  ok(vn->request("room.remove_member", {{"room", room}, {"login", "ph"}}));
  const auto after = inbox(*ph)["notifications"][0];
  EXPECT_EQ(after["room"], room);
  EXPECT_FALSE(after.contains("about"));
}

TEST_F(Notifications, BadRequestsAndOutsidersGetClearErrors) {
  const auto seq = post(*vn, room, "確認");
  server.add_user("outsider");
  auto outsider = server.sign_in("outsider");
  expect_error(outsider->request("room.acknowledge", {{"room", room}, {"seq", seq}}), "not_found");
  expect_error(outsider->request("room.acknowledgements", {{"room", room}}), "not_found");
  expect_error(vn->request("room.acknowledge", {{"room", room}, {"seq", seq + 100}}), "not_found");
  expect_error(vn->request("room.acknowledge", {{"room", room}, {"seq", "1"}}), "invalid_request");
  expect_error(vn->request("room.acknowledgements", {{"room", room}, {"seq", seq + 100}}),
               "not_found");
  expect_error(vn->request("inbox.list", {{"limit", 0}}), "invalid_request");
  expect_error(vn->request("inbox.list", {{"unread_only", 1}}), "invalid_request");
  expect_error(vn->request("inbox.mark_read", json::object()), "invalid_request");
  expect_error(vn->request("inbox.mark_read", {{"ids", {-1}}}), "invalid_request");
  // Someone else's notification ids are not yours to mark.
  auto ph = server.sign_in("ph");
  ok(vn->request("room.post", {{"room", room}, {"text", "確認"}, {"mentions", {"ph"}}}));
  const auto id = next_event_named(*ph, "notification")["id"];
  EXPECT_EQ(ok(outsider->request("inbox.mark_read", {{"ids", {id}}}))["marked"], 0);
  EXPECT_EQ(inbox(*ph)["unread"], 1);
  // A post nobody was asked to acknowledge: an empty state, not an error.
  const auto none = ok(vn->request("room.acknowledgements", {{"room", room}, {"seq", seq}}));
  EXPECT_EQ(none["entries"][0]["pending"], 0);
}

}  // namespace
}  // namespace musubi::testing
