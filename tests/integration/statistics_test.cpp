// stats.summary over real TLS WebSocket: the council's monthly figures counted from a scenario
// built through the real protocol and the administration commands.
#include <gtest/gtest.h>

#include "protocol/announcement_operations.hpp"
#include "server/clock.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

class Statistics : public ::testing::Test {
 protected:
  void SetUp() override {
    // The test server starts with four organizations in the city (visiting nursing, clinic,
    // hospital, pharmacy) and the physician test.dr at the clinic. Add a care-management office
    // in the city, and a clinic outside it that belongs to its own location's association
    // (relaxed rule ②).
    server.add_org({"test-kyotaku", "テスト居宅介護支援事業所", "care_management", "柏市柏6-6",
                    "柏市", "柏市介護支援専門員協議会", "柏市", ""});
    server.add_org({"matsudo-clinic", "松戸テスト診療所", "clinic", "松戸市松戸1-1", "松戸市",
                    "松戸市医師会", "松戸市", ""});
    server.add_user("kango", "看護 花子", "nurse", TestServer::kVisitingNursing);
    server.add_user("cm", "介護 支援", "care_manager", "test-kyotaku");
    server.add_user("msw", "連携 室", "msw", TestServer::kHospital);
    server.add_user("hosp.dr", "病院 医師", "physician", TestServer::kHospital);
    server.add_user("matsudo.dr", "松戸 医師", "physician", "matsudo-clinic");
    admin = server.sign_in("admin", server.admin_password());
  }

  // Registers a patient with consent and files a request naming `physician`; returns its id.
  std::string file_request(client::ClientConnection& c, const std::string& patient,
                           const std::string& physician) {
    const auto p = ok(c.request("patient.register", {{"name", patient},
                                                     {"kana", "テスト"},
                                                     {"birth_date", "1938-05-05"},
                                                     {"sex", "male"},
                                                     {"municipality", server.config().municipality},
                                                     {"address", "柏市柏7-7"}}))["patient"];
    ok(c.request("patient.record_consent",
                 {{"patient", p}, {"date", "2026-11-01"}, {"obtained_by", "テスト"}}));
    return ok(c.request("request.file", {{"patient", p}, {"physician", physician}}))["request"];
  }

  json summary(const std::string& from, const std::string& to) {
    return ok(admin->request("stats.summary", {{"from", from}, {"to", to}}));
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> admin;
};

TEST_F(Statistics, CountsTheScenarioBuiltThroughTheProtocol) {
  auto kango = server.sign_in("kango");
  auto cm = server.sign_in("cm");

  // 1. The nurse's first request: the physician declines, the room opens without one.
  const auto declined_room = server.open_room(*kango, "患者 一郎");
  // 2. The nurse's second request: the out-of-city physician accepts.
  {
    const auto request = file_request(*kango, "患者 二郎", "matsudo.dr");
    auto dr = server.sign_in("matsudo.dr");
    EXPECT_EQ(ok(dr->request("request.act", {{"request", request}, {"action", "accept"}}))["state"],
              "open");
  }
  // 3. The care manager's first request: a hospital physician; the liaison office's MSW stands in.
  {
    const auto request = file_request(*cm, "患者 三郎", "hosp.dr");
    ok(cm->request("request.act",
                   {{"request", request}, {"action", "ask_stand_in"}, {"login", "msw"}}));
    auto msw = server.sign_in("msw");
    EXPECT_EQ(ok(msw->request("request.act",
                              {{"request", request}, {"action", "stand_in_accept"}}))["state"],
              "open");
  }
  // 4. The first room closes at the end of care.
  ok(kango->request("room.close", {{"room", declined_room}, {"reason", "death"}}));

  // This month and the next: whatever the clock does during the test, everything is inside.
  const auto this_month =
      *protocol::parse_year_month(server::local_date(server::now_ms()).substr(0, 7));
  const auto from = protocol::format_year_month(this_month);
  const auto to = protocol::format_year_month(protocol::next_month(this_month));
  const auto s = summary(from, to);

  EXPECT_EQ(s["from"], from);
  EXPECT_EQ(s["to"], to);
  ASSERT_EQ(s["months"].size(), 2u);
  EXPECT_EQ(s["months"][0]["month"], from);
  EXPECT_EQ(s["months"][1]["month"], to);

  const auto& t = s["totals"];
  // Organizations: five in the city (not the city office), one outside.
  EXPECT_EQ(t["new_organizations"]["total"], 6);
  EXPECT_EQ(t["new_organizations"]["in_city"]["total"], 5);
  const auto& in_city = t["new_organizations"]["in_city"]["by_type"];
  EXPECT_EQ(in_city["visiting_nursing"], 1);
  EXPECT_EQ(in_city["clinic"], 1);
  EXPECT_EQ(in_city["hospital"], 1);
  EXPECT_EQ(in_city["pharmacy"], 1);
  EXPECT_EQ(in_city["care_management"], 1);
  EXPECT_EQ(in_city["home_help"], 0);
  EXPECT_FALSE(in_city.contains("municipal_office"));
  EXPECT_EQ(t["new_organizations"]["out_of_city"]["total"], 1);
  EXPECT_EQ(t["new_organizations"]["out_of_city"]["by_type"]["clinic"], 1);
  // ID holders: test.dr, kango, cm, msw, hosp.dr, matsudo.dr (not the administrator).
  EXPECT_EQ(t["new_users"], 6);
  // Requests by the requester's profession; first-time requesters separately.
  EXPECT_EQ(t["requests"]["total"], 3);
  EXPECT_EQ(t["requests"]["by_profession"],
            (json{{"physician", 0}, {"nurse", 2}, {"care_manager", 1}, {"msw", 0}, {"other", 0}}));
  EXPECT_EQ(t["first_time_requests"]["total"], 2);
  EXPECT_EQ(t["first_time_requests"]["by_profession"],
            (json{{"physician", 0}, {"nurse", 1}, {"care_manager", 1}, {"msw", 0}, {"other", 0}}));
  EXPECT_EQ(t["rooms_opened"],
            (json{{"total", 3}, {"with_physician", 1}, {"without_physician", 2}}));

  // The months add up to the totals.
  const auto& m0 = s["months"][0];
  const auto& m1 = s["months"][1];
  EXPECT_EQ(m0["rooms_opened"]["total"].get<int>() + m1["rooms_opened"]["total"].get<int>(), 3);
  EXPECT_EQ(m0["new_users"].get<int>() + m1["new_users"].get<int>(), 6);

  const auto& end = s["at_end"];
  EXPECT_EQ(end["rooms"]["total"], 3);
  EXPECT_EQ(end["rooms"]["with_physician"], 1);
  EXPECT_EQ(end["rooms"]["without_physician"]["total"], 2);
  EXPECT_EQ(end["rooms"]["without_physician"]["by_stand_in"],
            (json{{"hospital_liaison", 1}, {"clinic_staff", 0}, {"none", 1}}));
  EXPECT_EQ(end["rooms"]["open"], 2);
  EXPECT_EQ(end["rooms"]["closed"], 1);
  EXPECT_EQ(end["active_organizations"], (json{{"total", 6}, {"in_city", 5}, {"out_of_city", 1}}));
  EXPECT_EQ(end["active_users"], 6);
  EXPECT_EQ(end["distinct_requesters"]["total"], 2);
  EXPECT_EQ(end["distinct_requesters"]["by_profession"]["nurse"], 1);
  EXPECT_EQ(end["distinct_requesters"]["by_profession"]["care_manager"], 1);

  // Counts only: no person, no patient, no organization is named.
  const auto text = s.dump();
  for (const std::string name : {"kango", "matsudo", "患者", "看護 花子", "テスト"}) {
    EXPECT_EQ(text.find(name), std::string::npos) << name;
  }
}

TEST_F(Statistics, ARangeBeforeAnythingExistedCountsNothing) {
  const auto s = summary("2021-04", "2022-03");  // fiscal year R3
  ASSERT_EQ(s["months"].size(), 12u);
  EXPECT_EQ(s["months"][0]["month"], "2021-04");
  EXPECT_EQ(s["months"][11]["month"], "2022-03");
  EXPECT_EQ(s["totals"]["new_organizations"]["total"], 0);
  EXPECT_EQ(s["totals"]["new_users"], 0);
  EXPECT_EQ(s["at_end"]["as_of"], "2022-03-31");
  EXPECT_EQ(s["at_end"]["active_organizations"]["total"], 0);
  EXPECT_EQ(s["at_end"]["active_users"], 0);
  EXPECT_EQ(s["at_end"]["rooms"]["total"], 0);
}

TEST_F(Statistics, OnlyCityAdministratorsSeeThem) {
  auto kango = server.sign_in("kango");
  expect_error(kango->request("stats.summary", {{"from", "2026-01"}, {"to", "2026-02"}}),
               "forbidden");
  server.add_user("contact", "担当者", "nurse", TestServer::kVisitingNursing, "org_contact");
  auto contact = server.sign_in("contact");
  expect_error(contact->request("stats.summary", {{"from", "2026-01"}, {"to", "2026-02"}}),
               "forbidden");
}

TEST_F(Statistics, RangesAreChecked) {
  for (const auto& body :
       {json{{"from", "2026-01"}}, json{{"from", "2026-13"}, {"to", "2026-12"}},
        json{{"from", "2026-1"}, {"to", "2026-12"}}, json{{"from", "2026/01"}, {"to", "2026-12"}},
        json{{"from", "2026-05"}, {"to", "2026-04"}},
        json{{"from", "2000-01"}, {"to", "2010-01"}}}) {
    expect_error(admin->request("stats.summary", body), "invalid_request");
  }
  ok(admin->request("stats.summary", {{"from", "2000-01"}, {"to", "2009-12"}}));  // 120 months
}

}  // namespace
}  // namespace musubi::testing
