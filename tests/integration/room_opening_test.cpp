// Patients, consent and the room-opening workflow under the attending-physician rule, over real
// TLS WebSocket: every branch, and every rule both ways with its documented error code.
#include <sstream>

#include <gtest/gtest.h>

#include "server/admin_commands.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

class RoomOpening : public ::testing::Test {
 protected:
  void SetUp() override {
    server.add_org({"test-cm", "テスト居宅介護支援事業所", "care_management", "柏市", "柏市",
                    "柏市介護支援専門員協議会", "柏市", ""});
    server.add_user("cm", "山田 ケアマネ", "care_manager", "test-cm");
    server.add_user("vn", "田中 看護師", "nurse", TestServer::kVisitingNursing);
    server.add_user("clinic.ns", "鈴木 看護師（診療所）", "nurse", TestServer::kClinic);
    server.add_user("hosp.dr", "高橋 医師", "physician", TestServer::kHospital);
    server.add_user("msw", "伊藤 MSW", "msw", TestServer::kHospital);
    server.add_user("pharm", "渡辺 薬剤師", "pharmacist", TestServer::kPharmacy);
    cm = server.sign_in("cm");
    dr = server.sign_in("test.dr");
  }

  // A resident patient with consent, registered by `c`.
  std::string patient(client::ClientConnection& c, const std::string& name = "佐藤 一郎") {
    const auto p = ok(c.request("patient.register", {{"name", name},
                                                     {"kana", "サトウ イチロウ"},
                                                     {"birth_date", "1938-02-11"},
                                                     {"sex", "male"},
                                                     {"municipality", "柏市"},
                                                     {"address", "柏市柏6-6"}}))["patient"];
    ok(c.request("patient.record_consent", {{"patient", p},
                                            {"date", "2026-11-20"},
                                            {"obtained_by", "山田 ケアマネ"},
                                            {"note", "本人と長男に説明し同意"}}));
    return p;
  }

  std::string file(client::ClientConnection& c, const std::string& p, const std::string& physician,
                   json team = json::array()) {
    return ok(c.request("request.file",
                        {{"patient", p}, {"physician", physician}, {"team", team}}))["request"];
  }

  static json act(client::ClientConnection& c, const std::string& request,
                  const std::string& action, const std::string& login = "") {
    json body = {{"request", request}, {"action", action}};
    if (!login.empty()) body["login"] = login;
    return ok(c.request("request.act", body));
  }

  static json info(client::ClientConnection& c, const std::string& room) {
    return ok(c.request("room.info", {{"room", room}}));
  }

  static std::vector<std::string> member_logins(client::ClientConnection& c,
                                                const std::string& room) {
    std::vector<std::string> logins;
    const auto result = ok(c.request("room.members", {{"room", room}}));
    for (const auto& m : result["members"]) {
      logins.push_back(m["login"]);
    }
    std::sort(logins.begin(), logins.end());
    return logins;
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> cm, dr;
};

TEST_F(RoomOpening, PhysicianAcceptsAndTheRoomOpensWithThem) {
  auto vn = server.sign_in("vn");
  const auto p = patient(*cm);
  const auto request = file(*cm, p, "test.dr", {"vn"});
  // The physician is asked: the request reaches them live.
  const auto asked = dr->next_event(kWait);
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->event, "request.updated");
  EXPECT_EQ(asked->body["state"], "awaiting_physician");
  EXPECT_EQ(asked->body["requester_profession"], "care_manager");
  EXPECT_EQ(asked->body["first_request"], true);

  const auto opened = act(*dr, request, "accept");
  EXPECT_EQ(opened["state"], "open");
  const std::string room = opened["room"];
  const auto details = info(*cm, room);
  EXPECT_EQ(details["physician_participates"], true);
  EXPECT_TRUE(details["stand_in"].is_null());
  EXPECT_EQ(details["title"], "佐藤 一郎 様");
  EXPECT_EQ(details["patient"]["consent"]["obtained_by"], "山田 ケアマネ");
  EXPECT_EQ(member_logins(*cm, room), (std::vector<std::string>{"cm", "test.dr", "vn"}));
  // The team hears of the new room.
  for (;;) {
    const auto e = vn->next_event(kWait);
    ASSERT_TRUE(e);
    if (e->event == "room.added") {
      EXPECT_EQ(e->body["room"], room);
      break;
    }
  }
  // The second request of the same requester is not their first.
  const auto second = ok(cm->request(
      "request.file", {{"patient", patient(*cm, "鈴木 花子")}, {"physician", "test.dr"}}));
  EXPECT_EQ(second["first_request"], false);
}

TEST_F(RoomOpening, ClinicDeclineThenClinicStaffJoinsAndThePhysicianIsKeptInformed) {
  const auto request = file(*cm, patient(*cm), "test.dr", {"vn"});
  // Clinic staff are asked only after the physician declines.
  expect_error(
      cm->request("request.act",
                  {{"request", request}, {"action", "ask_stand_in"}, {"login", "clinic.ns"}}),
      "invalid_state");
  EXPECT_EQ(act(*dr, request, "decline")["state"], "physician_declined");
  // A stand-in must work at the physician's clinic.
  expect_error(cm->request("request.act",
                           {{"request", request}, {"action", "ask_stand_in"}, {"login", "msw"}}),
               "stand_in_not_eligible");
  EXPECT_EQ(act(*cm, request, "ask_stand_in", "clinic.ns")["state"], "awaiting_stand_in");
  auto staff = server.sign_in("clinic.ns");
  // Only the person asked may answer.
  expect_error(cm->request("request.act", {{"request", request}, {"action", "stand_in_accept"}}),
               "forbidden");
  const auto opened = act(*staff, request, "stand_in_accept");
  const std::string room = opened["room"];
  const auto details = info(*cm, room);
  EXPECT_EQ(details["physician_participates"], false);
  EXPECT_EQ(details["stand_in"]["login"], "clinic.ns");
  EXPECT_EQ(details["stand_in"]["kind"], "clinic_staff");
  EXPECT_EQ(member_logins(*cm, room), (std::vector<std::string>{"clinic.ns", "cm", "vn"}));
  // The physician can still see the request, with the report owed to them.
  const auto seen = ok(dr->request("request.get", {{"request", request}}));
  EXPECT_EQ(seen["log"].back()["report"], "keep_informed");
  // ... but not the room.
  expect_error(dr->request("room.history", {{"room", room}}), "not_found");
}

TEST_F(RoomOpening, HospitalLiaisonStaffJoinsInThePhysiciansPlaceWithAnAfterTheFactReport) {
  const auto request = file(*cm, patient(*cm), "hosp.dr", {"vn"});
  const auto filed = ok(cm->request("request.get", {{"request", request}}));
  EXPECT_EQ(filed["physician_setting"], "hospital");
  // For a hospital physician the liaison office may be asked straight away.
  act(*cm, request, "ask_stand_in", "msw");
  auto msw = server.sign_in("msw");
  const auto opened = act(*msw, request, "stand_in_accept");
  const auto details = info(*cm, opened["room"]);
  EXPECT_EQ(details["physician_participates"], false);
  EXPECT_EQ(details["stand_in"]["kind"], "hospital_liaison");
  auto hosp_dr = server.sign_in("hosp.dr");
  const auto seen = ok(hosp_dr->request("request.get", {{"request", request}}));
  EXPECT_EQ(seen["log"].back()["report"], "after_the_fact");
}

TEST_F(RoomOpening, LiaisonStaffWhoFiledMayStandInThemselves) {
  auto msw = server.sign_in("msw");
  const auto request = file(*msw, patient(*msw), "hosp.dr", {"vn"});
  EXPECT_EQ(act(*msw, request, "ask_stand_in", "msw")["state"], "awaiting_stand_in");
  const auto opened = act(*msw, request, "stand_in_accept");
  EXPECT_EQ(opened["state"], "open");
  const auto details = info(*msw, opened["room"]);
  EXPECT_EQ(details["stand_in"]["kind"], "hospital_liaison");
  EXPECT_EQ(member_logins(*msw, opened["room"]), (std::vector<std::string>{"msw", "vn"}));
}

TEST_F(RoomOpening, LiaisonStaffWhoAskedThemselvesMayStillDecline) {
  auto msw = server.sign_in("msw");
  const auto request = file(*msw, patient(*msw), "hosp.dr", {"vn"});
  act(*msw, request, "ask_stand_in", "msw");
  const auto declined = act(*msw, request, "stand_in_decline");
  EXPECT_EQ(declined["state"], "awaiting_physician");
  EXPECT_TRUE(declined["stand_in"].is_null());
}

TEST_F(RoomOpening, FullDeclineWithAVisitingNurseOpensAtOnce) {
  const auto request = file(*cm, patient(*cm), "test.dr", {"vn"});
  act(*dr, request, "decline");
  const auto opened = act(*cm, request, "proceed_without_physician");
  EXPECT_EQ(opened["state"], "open");
  EXPECT_EQ(info(*cm, opened["room"])["physician_participates"], false);
  EXPECT_EQ(opened["log"].back()["report"], "participation_declined");
  // The physician was told (their copy of the request shows the report).
  EXPECT_EQ(ok(dr->request("request.get", {{"request", request}}))["log"].back()["report"],
            "participation_declined");
}

TEST_F(RoomOpening, FullDeclineWithoutAVisitingNurseWaitsUntilOneJoins) {
  const auto request = file(*cm, patient(*cm), "test.dr", {"pharm"});
  act(*dr, request, "decline");
  const auto waiting = act(*cm, request, "proceed_without_physician");
  EXPECT_EQ(waiting["state"], "awaiting_visiting_nurse");
  EXPECT_TRUE(waiting["room"].is_null());
  // A nurse who is not a visiting nurse does not count.
  EXPECT_EQ(act(*cm, request, "add_team_member", "clinic.ns")["state"], "awaiting_visiting_nurse");
  const auto opened = act(*cm, request, "add_team_member", "vn");
  EXPECT_EQ(opened["state"], "open");
  EXPECT_EQ(member_logins(*cm, opened["room"]),
            (std::vector<std::string>{"clinic.ns", "cm", "pharm", "vn"}));
}

TEST_F(RoomOpening, ADisabledVisitingNurseDoesNotCountForTheRule) {
  const auto request = file(*cm, patient(*cm), "test.dr", {"vn"});
  std::ostringstream out, err;
  ASSERT_EQ(server::user_set_disabled(server.config(), "vn", true, out, err), 0) << err.str();
  act(*dr, request, "decline");
  const auto waiting = act(*cm, request, "proceed_without_physician");
  EXPECT_EQ(waiting["state"], "awaiting_visiting_nurse");
  EXPECT_EQ(waiting["visiting_nurse_on_team"], false);
  EXPECT_TRUE(waiting["room"].is_null());
}

TEST_F(RoomOpening, ConsentIsRequiredBeforeARequest) {
  const auto p = ok(cm->request("patient.register", {{"name", "同意 未取得"},
                                                     {"kana", "ドウイ ミシュトク"},
                                                     {"birth_date", "1950-01-01"},
                                                     {"sex", "female"},
                                                     {"municipality", "柏市"},
                                                     {"address", "柏市"}}))["patient"];
  expect_error(cm->request("request.file", {{"patient", p}, {"physician", "test.dr"}}),
               "consent_required");
  ok(cm->request("patient.record_consent",
                 {{"patient", p}, {"date", "2026-11-21"}, {"obtained_by", "山田"}}));
  ok(cm->request("request.file", {{"patient", p}, {"physician", "test.dr"}}));
}

TEST_F(RoomOpening, OnlyResidentsOfTheCityAreAccepted) {
  const auto reply = cm->request("patient.register", {{"name", "市外 太郎"},
                                                      {"kana", "シガイ タロウ"},
                                                      {"birth_date", "1945-05-05"},
                                                      {"sex", "male"},
                                                      {"municipality", "流山市"},
                                                      {"address", "流山市"}});
  expect_error(reply, "not_resident");
  EXPECT_NE(reply.error_message.find("柏市"), std::string::npos);
  expect_error(cm->request("patient.register", {{"name", "x"},
                                                {"kana", "x"},
                                                {"birth_date", "1945-02-30"},
                                                {"sex", "male"},
                                                {"municipality", "柏市"},
                                                {"address", "柏市"}}),
               "invalid_request");
}

TEST_F(RoomOpening, OneOpenRoomOrRequestPerPatient) {
  const auto p = patient(*cm);
  const auto request = file(*cm, p, "test.dr", {"vn"});
  expect_error(cm->request("request.file", {{"patient", p}, {"physician", "test.dr"}}),
               "room_exists");
  const std::string room = act(*dr, request, "accept")["room"];
  expect_error(cm->request("request.file", {{"patient", p}, {"physician", "test.dr"}}),
               "room_exists");
  // Once the room is closed at the end of care, a new request may be filed (e.g. after a move
  // back to the city).
  ok(cm->request("room.close", {{"room", room}, {"reason", "moved"}}));
  ok(cm->request("request.file", {{"patient", p}, {"physician", "test.dr"}}));
}

TEST_F(RoomOpening, ThePatientIsRegisteredOnce) {
  patient(*cm);
  auto vn = server.sign_in("vn");
  expect_error(vn->request("patient.register", {{"name", "佐藤 一郎"},
                                                {"kana", "サトウ イチロウ"},
                                                {"birth_date", "1938-02-11"},
                                                {"sex", "male"},
                                                {"municipality", "柏市"},
                                                {"address", "柏市柏6-6"}}),
               "conflict");
  // Another person of the same name is someone else.
  ok(vn->request("patient.register", {{"name", "佐藤 一郎"},
                                      {"kana", "サトウ イチロウ"},
                                      {"birth_date", "1952-09-01"},
                                      {"sex", "male"},
                                      {"municipality", "柏市"},
                                      {"address", "柏市柏7-7"}}));
}

TEST_F(RoomOpening, TheAttendingPhysicianMustBeAPhysician) {
  expect_error(cm->request("request.file", {{"patient", patient(*cm)}, {"physician", "vn"}}),
               "not_a_physician");
}

TEST_F(RoomOpening, OnlyActiveMembersOfActiveOrganizationsTakePart) {
  const auto p = patient(*cm);
  expect_error(
      cm->request("request.file", {{"patient", p}, {"physician", "test.dr"}, {"team", {"admin"}}}),
      "city_staff_excluded");
  std::ostringstream out, err;
  ASSERT_EQ(server::user_set_disabled(server.config(), "pharm", true, out, err), 0);
  expect_error(
      cm->request("request.file", {{"patient", p}, {"physician", "test.dr"}, {"team", {"pharm"}}}),
      "user_disabled");
}

TEST_F(RoomOpening, StrangersSeeNeitherPatientsNorRequests) {
  const auto p = patient(*cm);
  const auto request = file(*cm, p, "test.dr");
  auto stranger = server.sign_in("pharm");
  expect_error(stranger->request("patient.get", {{"patient", p}}), "not_found");
  expect_error(stranger->request("request.get", {{"request", request}}), "not_found");
  expect_error(stranger->request("request.act", {{"request", request}, {"action", "accept"}}),
               "not_found");
  EXPECT_TRUE(ok(stranger->request("patient.list", json::object()))["patients"].empty());
  // The physician asked sees the patient they are asked about.
  EXPECT_EQ(ok(dr->request("patient.get", {{"patient", p}}))["name"], "佐藤 一郎");
}

TEST_F(RoomOpening, WithdrawnRequestsTakeNoMoreSteps) {
  const auto request = file(*cm, patient(*cm), "test.dr");
  EXPECT_EQ(act(*cm, request, "withdraw")["state"], "withdrawn");
  expect_error(dr->request("request.act", {{"request", request}, {"action", "accept"}}),
               "invalid_state");
}

TEST_F(RoomOpening, ACityAdministratorIsDeniedEveryRoom) {
  auto vn = server.sign_in("vn");
  const auto room = create_room(server, *vn, "看取り 予定");
  post(*vn, room, "状態安定");
  auto admin = server.sign_in("admin", server.admin_password());
  for (const auto& [op, body] :
       std::vector<std::pair<std::string, json>>{{"room.history", {{"room", room}}},
                                                 {"room.info", {{"room", room}}},
                                                 {"room.members", {{"room", room}}},
                                                 {"room.post", {{"room", room}, {"text", "x"}}}}) {
    expect_error(admin->request(op, body), "not_found");
  }
  EXPECT_EQ(
      ok(admin->request("room.subscribe", {{"rooms", {{{"room", room}}}}}))["rooms"][0]["error"],
      "not_found");
  expect_error(vn->request("room.add_member", {{"room", room}, {"login", "admin"}}),
               "city_staff_excluded");
  expect_error(admin->request("patient.register", {{"name", "x"},
                                                   {"kana", "x"},
                                                   {"birth_date", "1945-01-01"},
                                                   {"sex", "male"},
                                                   {"municipality", "柏市"},
                                                   {"address", "柏市"}}),
               "city_staff_excluded");
}

TEST_F(RoomOpening, AClosedRoomIsReadOnlyAndKept) {
  auto vn = server.sign_in("vn");
  auto pharm = server.sign_in("pharm");
  const auto room = create_room(server, *vn, "看取り 太郎");
  add_member(*vn, room, "pharm");
  post(*vn, room, "本日永眠されました");
  ok(pharm->request("room.subscribe", {{"rooms", {{{"room", room}}}}}));
  // Only an administrator of the room closes it.
  expect_error(pharm->request("room.close", {{"room", room}, {"reason", "death"}}), "forbidden");
  ok(vn->request("room.close", {{"room", room}, {"reason", "death"}, {"note", "自宅で看取り"}}));
  const auto closed_event = next_room_event(*pharm);
  EXPECT_EQ(closed_event["type"], "room_closed");
  EXPECT_EQ(closed_event["reason"], "death");
  expect_error(vn->request("room.post", {{"room", room}, {"text", "x"}}), "room_closed");
  expect_error(vn->request("room.add_member", {{"room", room}, {"login", "cm"}}), "room_closed");
  expect_error(vn->request("room.close", {{"room", room}, {"reason", "death"}}), "room_closed");
  // Members keep read access.
  const auto history = ok(pharm->request("room.history", {{"room", room}}));
  EXPECT_EQ(history["events"][1]["text"], "本日永眠されました");
  EXPECT_EQ(info(*pharm, room)["closed"]["reason"], "death");
  EXPECT_EQ(ok(pharm->request("room.list", json::object()))["rooms"][0]["closed"], true);
}

TEST_F(RoomOpening, VocabularyGivesJapaneseAndEnglishLabels) {
  auto c = server.connect();
  const auto v = ok(c->request("meta.vocabulary", json::object()));
  bool found = false;
  for (const auto& p : v["professions"]) {
    if (p["code"] == "pharmacist") {
      EXPECT_EQ(p["ja"], "薬剤師");
      EXPECT_EQ(p["en"], "Pharmacist");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(v["org_types"].empty());
}

}  // namespace
}  // namespace musubi::testing
