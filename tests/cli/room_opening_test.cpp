// musubi patient ... and musubi request ...: the city's rules as the command line meets them
// (residents only, consent first, city administrators take no part), every branch of the
// attending-physician rule, and closing a room at the end of care.
#include <gtest/gtest.h>

#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

class RoomOpening : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    sato_ = std::make_unique<CliUser>(signed_in_user("sato", "佐藤 花子"));
  }

  // `musubi ARGS...` as `who`, which must fail with exit 1 and exactly this message.
  static void expect_refused(const CliUser& who, const std::vector<std::string>& args,
                             const std::string& message) {
    const auto r = who.run(args);
    EXPECT_EQ(r.exit_code(), 1) << r.describe();
    EXPECT_EQ(r.err, "musubi: " + message + "\n");
    EXPECT_EQ(r.out, "");
  }

  // The lines of `text` that contain `part`.
  static std::size_t count(const std::string& text, const std::string& part) {
    return ChildProcess::occurrences(text, part);
  }

  std::unique_ptr<CliUser> sato_;
};

TEST_F(RoomOpening, PatientRegisterShowListAndConsent) {
  const auto registered = sato_->run({"patient", "register", "--name", "佐藤 一郎", "--kana",
                                      "サトウ イチロウ", "--birth-date", "1941-02-03", "--sex",
                                      "male", "--municipality", "柏市", "--address", "柏6-7-8"});
  ASSERT_EQ(registered.exit_code(), 0) << registered.describe();
  const auto patient = trim(registered.out);
  EXPECT_EQ(registered.out, patient + "\n");

  EXPECT_EQ(sato_->ok({"patient", "show", patient}),
            "patient  " + patient +
                "\n"
                "name     佐藤 一郎 (サトウ イチロウ)\n"
                "born     1941-02-03\n"
                "sex      男性\n"
                "address  柏市 柏6-7-8\n"
                "consent  none recorded (no room opens without it: musubi patient consent " +
                patient + " --date YYYY-MM-DD --obtained-by NAME)\n");
  EXPECT_EQ(sato_->ok({"patient", "list"}),
            patient + "\t佐藤 一郎\tサトウ イチロウ\t1941-02-03\tno consent\n");

  EXPECT_EQ(
      sato_->ok(
          {"patient", "consent", patient, "--date", "2026-11-20", "--obtained-by", "佐藤 花子"}),
      "consent recorded for 佐藤 一郎 (" + patient + "): 2026-11-20, obtained by 佐藤 花子\n");
  const auto shown = json_lines(sato_->ok({"patient", "show", patient, "--json"}));
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0]["patient"], patient);
  EXPECT_EQ(shown[0]["municipality"], "柏市");
  EXPECT_EQ(shown[0]["consent"]["date"], "2026-11-20");
  EXPECT_EQ(shown[0]["consent"]["obtained_by"], "佐藤 花子");
  EXPECT_EQ(sato_->ok({"patient", "list"}),
            patient + "\t佐藤 一郎\tサトウ イチロウ\t1941-02-03\tconsent 2026-11-20\n");

  // Someone else's patient is nobody's business.
  const auto tanaka = signed_in_user("tanaka", "田中 健");
  expect_refused(tanaka, {"patient", "show", patient}, "patient not found");
  expect_refused(tanaka,
                 {"patient", "consent", patient, "--date", "2026-11-20", "--obtained-by", "田中"},
                 "patient not found");
  EXPECT_EQ(tanaka.ok({"patient", "list"}), "");
}

TEST_F(RoomOpening, NonResidentPatientIsRefusedWithTheServersMessage) {
  expect_refused(
      *sato_,
      {"patient", "register", "--name", "松戸 次郎", "--kana", "マツド ジロウ", "--birth-date",
       "1938-05-06", "--sex", "male", "--municipality", "松戸市", "--address", "松戸1-1"},
      "the network serves residents of 柏市 only (市民に限る); this patient lives in "
      "松戸市");
  EXPECT_EQ(sato_->ok({"patient", "list"}), "");
}

TEST_F(RoomOpening, FilingWithoutConsentIsRefused) {
  const auto patient = registered_patient(*sato_, "佐藤 一郎", /*with_consent=*/false);
  expect_refused(*sato_, {"request", "file", patient, "--physician", kPhysician},
                 "record the patient's consent to information sharing (patient.record_consent) "
                 "before requesting a room; record it with: musubi patient consent " +
                     patient + " --date YYYY-MM-DD --obtained-by NAME");
  EXPECT_EQ(sato_->ok({"request", "list"}), "");

  // With consent it goes through; a second request for the same patient does not.
  sato_->ok({"patient", "consent", patient, "--date", "2026-11-20", "--obtained-by", "佐藤 花子"});
  physician();
  const auto request = trim(sato_->ok({"request", "file", patient, "--physician", kPhysician}));
  EXPECT_FALSE(request.empty());
  expect_refused(*sato_, {"request", "file", patient, "--physician", kPhysician},
                 "this patient already has an open room or a request in progress");
  // Only physicians attend.
  const auto other = registered_patient(*sato_, "佐藤 二郎");
  signed_in_user("tanaka", "田中 健");
  expect_refused(*sato_, {"request", "file", other, "--physician", "tanaka"},
                 "tanaka is not a physician");
  expect_refused(*sato_, {"request", "file", other, "--physician", "nobody"},
                 "physician not found");
}

TEST_F(RoomOpening, ClinicPhysicianDeclinesAndTheClinicsStaffStandsIn) {
  const CliUser& doctor = physician();
  const auto kato = signed_in_user("kato", "加藤 直子", kClinic, "nurse");
  const auto tanaka = signed_in_user("tanaka", "田中 健");
  const auto patient = registered_patient(*sato_, "佐藤 一郎");
  const auto request = trim(sato_->ok({"request", "file", patient, "--physician", kPhysician}));

  // Only the physician answers, and a clinic's physician is asked before their staff.
  expect_refused(*sato_, {"request", "accept", request}, "only the attending physician may accept");
  expect_refused(*sato_, {"request", "ask-stand-in", request, "kato"},
                 "a clinic physician is asked first: their staff may be asked once they decline");

  const auto declined = doctor.run({"request", "decline", request, "--note", "往診枠が一杯のため"});
  ASSERT_EQ(declined.exit_code(), 0) << declined.describe();
  EXPECT_EQ(declined.out, "physician_declined\n");
  EXPECT_EQ(declined.err,
            "musubi: the attending physician declined; the requester may ask the clinic's staff "
            "to stand in (musubi request ask-stand-in " +
                request + " LOGIN) or open the room without a physician (musubi request proceed " +
                request + ")\n");

  // The stand-in must work at the physician's clinic.
  expect_refused(*sato_, {"request", "ask-stand-in", request, "tanaka"},
                 "a stand-in must be staff of the physician's clinic");
  const auto asked = sato_->run({"request", "ask-stand-in", request, "kato"});
  ASSERT_EQ(asked.exit_code(), 0) << asked.describe();
  EXPECT_EQ(asked.out, "awaiting_stand_in\n");
  EXPECT_NE(asked.err.find("waiting for 加藤 直子 (kato) to accept or decline standing in"),
            std::string::npos)
      << asked.err;
  // The one asked sees the request; only they answer it.
  EXPECT_NE(kato.ok({"request", "list"}).find(request + "\t佐藤 一郎\tawaiting_stand_in\t"),
            std::string::npos);
  expect_refused(*sato_, {"request", "stand-in", "accept", request},
                 "only the person asked to stand in may stand_in_accept");

  const auto accepted = kato.run({"request", "stand-in", "accept", request});
  ASSERT_EQ(accepted.exit_code(), 0) << accepted.describe();
  const auto room = trim(accepted.out);
  EXPECT_EQ(accepted.out, room + "\n");
  EXPECT_EQ(accepted.err, "");

  // The physician is kept informed: they still see the request, with its whole history.
  const auto shown = doctor.ok({"request", "show", request});
  for (const std::string& line : std::vector<std::string>{
           "request    " + request + "\n",
           "patient    佐藤 一郎 (" + patient + ")\n",
           "state      open\n",
           "requester  佐藤 花子 (sato), 看護師, 柏訪問看護ステーション (first request)\n",
           "physician  山本 康夫 (dr.yamamoto), 医師, 山本クリニック [診療所]; declined to take "
           "part\n",
           "stand-in   加藤 直子 (kato), 看護師, 山本クリニック\n",
           "team       -\n",
           "           visiting nurse on the team: yes\n",
           "room       " + room + "\n",
           " sato file: awaiting_physician\n",
           " dr.yamamoto decline: awaiting_physician -> physician_declined "
           "(note=往診枠が一杯のため)\n",
           " sato ask_stand_in: physician_declined -> awaiting_stand_in (login=kato)\n",
           " kato stand_in_accept: awaiting_stand_in -> open\n"
           "      report: the physician is kept informed (主治医に報告)\n",
       }) {
    EXPECT_EQ(count(shown, line), 1u) << "missing: " << line << "in:\n" << shown;
  }
  const auto as_json = json_lines(doctor.ok({"request", "show", request, "--json"}));
  ASSERT_EQ(as_json.size(), 1u);
  EXPECT_EQ(as_json[0]["stand_in"]["login"], "kato");
  EXPECT_EQ(as_json[0]["log"].back()["report"], "keep_informed");

  // The room: the requester (its administrator, listed first) and the stand-in; the physician
  // takes no part.
  EXPECT_EQ(kato.ok({"room", "members", room}),
            "sato\t佐藤 花子\tadmin\t看護師\t柏訪問看護ステーション\n"
            "kato\t加藤 直子\tmember\t看護師\t山本クリニック\n");
  const auto info = kato.ok({"room", "info", room});
  EXPECT_EQ(info, "room       " + room +
                      "\n"
                      "title      佐藤 一郎 様\n"
                      "patient    佐藤 一郎 (テスト), born 1940-04-01, " +
                      patient +
                      "\n"
                      "physician  does not take part\n"
                      "stand-in   加藤 直子 (kato), 看護師, for the clinic\n"
                      "closed     no\n");
  const auto history = lines_of(sato_->ok({"history", room}));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_NE(history[0].find(" 佐藤 花子 opened the room \"佐藤 一郎 様\" with the clinic's staff "
                            "standing in for the physician"),
            std::string::npos)
      << history[0];
  EXPECT_NE(history[1].find(" 佐藤 花子 added 加藤 直子 (kato) as member"), std::string::npos)
      << history[1];
  expect_refused(doctor, {"history", room}, "room not found");

  // Done is done.
  expect_refused(doctor, {"request", "accept", request},
                 "accept is not possible while the request is open");
}

TEST_F(RoomOpening, HospitalLiaisonStaffStandsInWithAnAfterTheFactReport) {
  const auto kimura = signed_in_user("dr.kimura", "木村 誠", kHospital, "physician");
  const auto ito = signed_in_user("ito", "伊藤 恵", kHospital, "msw");
  const auto patient = registered_patient(*sato_, "佐藤 一郎");
  const auto filed = sato_->run({"request", "file", patient, "--physician", "dr.kimura"});
  ASSERT_EQ(filed.exit_code(), 0) << filed.describe();
  const auto request = trim(filed.out);

  // A hospital's liaison office may be asked straight away; it may say no, and be asked again.
  EXPECT_EQ(sato_->ok({"request", "ask-stand-in", request, "ito"}), "awaiting_stand_in\n");
  const auto refused = ito.run({"request", "stand-in", "decline", request});
  ASSERT_EQ(refused.exit_code(), 0) << refused.describe();
  EXPECT_EQ(refused.out, "awaiting_physician\n");
  EXPECT_NE(refused.err.find("waiting for the attending physician, 木村 誠 (dr.kimura)"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(sato_->ok({"request", "ask-stand-in", request, "ito"}), "awaiting_stand_in\n");
  const auto room = trim(ito.ok({"request", "stand-in", "accept", request}));
  ASSERT_FALSE(room.empty());

  const auto shown = kimura.ok({"request", "show", request});
  EXPECT_NE(shown.find("physician  木村 誠 (dr.kimura), 医師, 柏中央病院 [病院]\n"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find("stand-in   伊藤 恵 (ito), 医療ソーシャルワーカー, 柏中央病院\n"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find(" ito stand_in_decline: awaiting_stand_in -> awaiting_physician\n"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find(" ito stand_in_accept: awaiting_stand_in -> open\n"
                       "      report: after-the-fact report to the physician (事後報告)\n"),
            std::string::npos)
      << shown;
  const auto info = ito.ok({"room", "info", room});
  EXPECT_NE(info.find("physician  does not take part\n"), std::string::npos) << info;
  EXPECT_NE(info.find("stand-in   伊藤 恵 (ito), 医療ソーシャルワーカー, for the hospital "
                      "(liaison office)\n"),
            std::string::npos)
      << info;
  const auto opened =
      json_lines(ito.ok({"history", room, "--json", "--limit", "1", "--before", "2"}));
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0]["type"], "room_created");
  EXPECT_EQ(opened[0]["physician_participates"], false);
  EXPECT_EQ(opened[0]["stand_in_kind"], "hospital_liaison");
  EXPECT_EQ(opened[0]["patient"], patient);
}

TEST_F(RoomOpening, DeclinedAltogetherTheRoomWaitsForAVisitingNurse) {
  const CliUser& doctor = physician();
  const auto kobayashi = signed_in_user("kobayashi", "小林 由美", kCareOffice, "care_manager");
  signed_in_user("kato", "加藤 隆", kCareOffice, "care_manager");
  signed_in_user("tanaka", "田中 健");  // a visiting nurse
  const auto patient = registered_patient(kobayashi, "山田 花子");
  const auto request = trim(kobayashi.ok({"request", "file", patient, "--physician", kPhysician}));
  EXPECT_EQ(doctor.ok({"request", "decline", request}), "physician_declined\n");

  // No visiting nurse on the team yet: the room waits for one.
  const auto proceeded = kobayashi.run({"request", "proceed", request});
  ASSERT_EQ(proceeded.exit_code(), 0) << proceeded.describe();
  EXPECT_EQ(proceeded.out, "awaiting_visiting_nurse\n");
  EXPECT_EQ(
      proceeded.err,
      "musubi: the room opens once a visiting nurse is on the team: musubi request add-team " +
          request + " LOGIN\n");
  EXPECT_EQ(kobayashi.ok({"request", "add-team", request, "kato"}), "awaiting_visiting_nurse\n");
  const auto room = trim(kobayashi.ok({"request", "add-team", request, "tanaka"}));
  ASSERT_FALSE(room.empty());
  EXPECT_NE(room, "awaiting_visiting_nurse");

  const auto shown = doctor.ok({"request", "show", request});
  EXPECT_NE(shown.find(" kobayashi proceed_without_physician: physician_declined -> "
                       "awaiting_visiting_nurse\n      report: participation declined; reported "
                       "to the physician before the room opens (報告し部屋開設)\n"),
            std::string::npos)
      << shown;
  EXPECT_NE(
      shown.find(" kobayashi add_team_member: awaiting_visiting_nurse -> open (login=tanaka)\n"),
      std::string::npos)
      << shown;
  EXPECT_EQ(kobayashi.ok({"room", "members", room}),
            "kobayashi\t小林 由美\tadmin\t介護支援専門員（ケアマネジャー）\t柏ケアプランセンター\n"
            "kato\t加藤 隆\tmember\t介護支援専門員（ケアマネジャー）\t柏ケアプランセンター\n"
            "tanaka\t田中 健\tmember\t看護師\t柏訪問看護ステーション\n");
  const auto info = kobayashi.ok({"room", "info", room});
  EXPECT_NE(info.find("physician  does not take part\nstand-in   -\n"), std::string::npos) << info;
}

TEST_F(RoomOpening, TheRequesterWithdrawsAndMayAskAgain) {
  const CliUser& doctor = physician();
  const auto patient = registered_patient(*sato_, "佐藤 一郎");
  const auto request = trim(sato_->ok({"request", "file", patient, "--physician", kPhysician}));
  expect_refused(doctor, {"request", "withdraw", request}, "only the requester may withdraw");
  EXPECT_EQ(sato_->ok({"request", "withdraw", request}), "withdrawn\n");
  expect_refused(doctor, {"request", "accept", request},
                 "accept is not possible while the request is withdrawn");
  const auto again = trim(sato_->ok({"request", "file", patient, "--physician", kPhysician}));
  EXPECT_NE(again, request);
  const auto list = sato_->ok({"request", "list"});
  EXPECT_NE(list.find(request + "\t佐藤 一郎\twithdrawn\tsato\tdr.yamamoto\t-\n"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find(again + "\t佐藤 一郎\tawaiting_physician\tsato\tdr.yamamoto\t-\n"),
            std::string::npos)
      << list;
  const auto as_json = json_lines(sato_->ok({"request", "list", "--json"}));
  EXPECT_EQ(as_json.size(), 2u);
}

TEST_F(RoomOpening, ClosedRoomIsReadOnlyAndKept) {
  const auto tanaka = signed_in_user("tanaka", "田中 健");
  const auto room = open_room(*sato_, "佐藤 一郎");
  sato_->ok({"room", "add", room, "tanaka"});
  EXPECT_EQ(sato_->ok({"post", room, "本日 永眠されました"}), "3\n");
  auto tail = tanaka.start({"tail", room});
  ASSERT_TRUE(tail->wait_for_stderr("following " + room, kEventTimeout)) << tail->stderr_text();

  expect_refused(tanaka, {"room", "close", room, "--reason", "death"},
                 "only the room's administrators may close it");
  EXPECT_EQ(sato_->ok({"room", "close", room, "--reason", "death", "--note", "自宅にて看取り"}),
            "closed " + room + " (death); it stays readable\n");

  // The members see it happen, in words.
  const auto line = tail->read_line(kEventTimeout);
  ASSERT_TRUE(line.has_value()) << tail->stderr_text();
  EXPECT_EQ(line->rfind("#4 ", 0), 0u) << *line;
  EXPECT_NE(line->find(" 佐藤 花子 closed the room (death): 自宅にて看取り; it is now read-only"),
            std::string::npos)
      << *line;

  // Nothing more can be written; everything can still be read.
  expect_refused(*sato_, {"post", room, "追記"}, "the room is closed: it is kept read-only");
  expect_refused(tanaka, {"post", room, "追記"}, "the room is closed: it is kept read-only");
  expect_refused(*sato_, {"room", "add", room, "tanaka"},
                 "the room is closed: it is kept read-only");
  expect_refused(*sato_, {"room", "close", room, "--reason", "moved"},
                 "the room is already closed");
  const auto history = lines_of(tanaka.ok({"history", room}));
  ASSERT_EQ(history.size(), 4u);
  EXPECT_NE(history[2].find("佐藤 花子: 本日 永眠されました"), std::string::npos) << history[2];
  EXPECT_EQ(history[3], *line);
  const auto events = json_lines(tanaka.ok({"history", room, "--json", "--limit", "1"}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "room_closed");
  EXPECT_EQ(events[0]["reason"], "death");
  EXPECT_EQ(events[0]["note"], "自宅にて看取り");
  EXPECT_EQ(tanaka.ok({"rooms"}), room + "\t佐藤 一郎 様\tmember\t4\t2\tclosed\t4 unread\n");
  const auto info = tanaka.ok({"room", "info", room});
  EXPECT_NE(info.find(", 死亡（看取り） (death): 自宅にて看取り; read-only\n"), std::string::npos)
      << info;
  const auto info_json = json_lines(tanaka.ok({"room", "info", room, "--json"}));
  ASSERT_EQ(info_json.size(), 1u);
  EXPECT_EQ(info_json[0]["closed"]["reason"], "death");
  EXPECT_FALSE(tail->status().has_value()) << "the tail keeps following a closed room";
}

TEST_F(RoomOpening, CityAdministratorTakesNoPart) {
  const auto admin_cli = admin();
  const std::string excluded =
      "city administrators run the network and do not take part in patients' rooms";
  expect_refused(
      admin_cli,
      {"patient", "register", "--name", "佐藤 一郎", "--kana", "サトウ イチロウ", "--birth-date",
       "1941-02-03", "--sex", "male", "--municipality", "柏市", "--address", "柏6-7-8"},
      excluded);
  const auto room = open_room(*sato_, "佐藤 一郎");
  expect_refused(admin_cli, {"history", room}, "room not found");
  expect_refused(admin_cli, {"room", "info", room}, "room not found");
  expect_refused(*sato_, {"room", "add", room, "admin"}, excluded);
  const auto patient = registered_patient(*sato_, "佐藤 二郎");
  expect_refused(*sato_, {"request", "file", patient, "--physician", kPhysician, "--team", "admin"},
                 "admin: " + excluded);
  expect_refused(*sato_, {"request", "file", patient, "--physician", "admin"}, excluded);
}

}  // namespace
}  // namespace musubi::testing
