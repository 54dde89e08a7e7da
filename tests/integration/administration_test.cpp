// Organizations, users and the directory over real TLS WebSocket: org.*, user.*,
// directory.search, each rule both ways with its documented error code.
#include <map>

#include <gtest/gtest.h>

#include "server/clock.hpp"
#include "storage/database.hpp"
#include "storage/organizations.hpp"
#include "storage/users.hpp"
#include "tests/support/protocol_helpers.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;

// A clinic outside the city, in 松戸市.
json matsudo_clinic(const std::string& association, const std::string& area) {
  return json{{"code", "matsudo-clinic"}, {"name", "松戸みらい診療所"},
              {"type", "clinic"},         {"address", "松戸市松戸1-1"},
              {"municipality", "松戸市"}, {"association", association},
              {"association_area", area}};
}

// The logins in a list of users.
std::vector<std::string> logins(const json& users) {
  std::vector<std::string> out;
  for (const auto& u : users)
    out.push_back(u["login"].get<std::string>());
  return out;
}

const json* find_login(const json& users, const std::string& login) {
  for (const auto& u : users) {
    if (u["login"] == login) return &u;
  }
  return nullptr;
}

// The test server with its city administrator signed in, a contact and a member at the
// visiting-nursing station, and a nurse at the clinic.
class Administration : public ::testing::Test {
 protected:
  Administration() {
    server.add_user("vn.contact", "連絡 担当", "nurse", TestServer::kVisitingNursing,
                    "org_contact");
    server.add_user("vn.nurse", "訪問 看護師", "nurse", TestServer::kVisitingNursing);
    server.add_user("clinic.nurse", "診療所 看護師", "nurse", TestServer::kClinic);
    admin = server.sign_in("admin", server.admin_password());
    contact = server.sign_in("vn.contact");
    member = server.sign_in("vn.nurse");
  }

  // The audit log of what was done over the protocol, as "action detail" lines (the set-up's
  // `musubid` commands are left out).
  std::vector<std::string> audit(const std::string& prefix) {
    storage::Database db(server.config().database_path(), storage::OpenMode::read_only);
    auto& st = db.prepare("SELECT action, detail FROM audit ORDER BY id");
    std::vector<std::string> lines;
    while (st.step()) {
      const auto line = st.text(0) + " " + st.text(1);
      if (st.text(0).starts_with(prefix) && !line.ends_with(" by=console")) lines.push_back(line);
    }
    return lines;
  }

  std::string all_audit_details() {
    std::string text;
    for (const auto& line : audit(""))
      text += line + "\n";
    return text;
  }

  TestServer server;
  std::unique_ptr<client::ClientConnection> admin;
  std::unique_ptr<client::ClientConnection> contact;
  std::unique_ptr<client::ClientConnection> member;
};

// --- org.register: the membership rule ---

TEST_F(Administration, RegistrationIsRefusedWithoutAProfessionalAssociation) {
  auto body = matsudo_clinic("", "");
  body["code"] = "kashiwa-new";
  body["municipality"] = "柏市";
  const auto reply = admin->request("org.register", body);
  expect_error(reply, "association_required");
  EXPECT_NE(reply.error_message.find("職能団体"), std::string::npos) << reply.error_message;
  body.erase("association");
  expect_error(admin->request("org.register", body), "association_required");
  // With one it is admitted.
  body["association"] = "柏市医師会";
  body["association_area"] = "柏市";
  const auto org = ok(admin->request("org.register", body));
  EXPECT_EQ(org["code"], "kashiwa-new");
  EXPECT_EQ(org["active"], true);
  EXPECT_EQ(org["registered_on"], server::local_date(server::now_ms()));
}

TEST_F(Administration, OutOfCityOrganizationThroughAnotherPlacesAssociationIsRefused) {
  const auto reply = admin->request("org.register", matsudo_clinic("柏市医師会", "柏市"));
  expect_error(reply, "association_not_local");
  EXPECT_NE(reply.error_message.find("松戸市"), std::string::npos) << reply.error_message;
  const auto list = ok(admin->request("org.list", json::object()));
  for (const auto& o : list["orgs"])
    EXPECT_NE(o["code"], "matsudo-clinic");
}

TEST_F(Administration, OutOfCityOrganizationThroughItsOwnLocationsAssociationIsAdmitted) {
  auto body = matsudo_clinic("松戸市医師会", "松戸市");
  body["registered_on"] = "2021-11-15";
  const auto org = ok(admin->request("org.register", body));
  EXPECT_EQ(org, (json{{"code", "matsudo-clinic"},
                       {"name", "松戸みらい診療所"},
                       {"type", "clinic"},
                       {"address", "松戸市松戸1-1"},
                       {"municipality", "松戸市"},
                       {"association", "松戸市医師会"},
                       {"association_area", "松戸市"},
                       {"registered_on", "2021-11-15"},
                       {"retired_on", nullptr},
                       {"active", true}}));
  // The code is now taken.
  expect_error(admin->request("org.register", body), "conflict");
  EXPECT_EQ(audit("org.register").back(), "org.register org=matsudo-clinic type=clinic");
}

TEST_F(Administration, AnotherCitysOfficeIsNotInTheCity) {
  auto body = matsudo_clinic("", "");
  body["type"] = "municipal_office";
  expect_error(admin->request("org.register", body), "not_in_city");
}

TEST_F(Administration, RegistrationChecksCodesAndDates) {
  auto body = matsudo_clinic("松戸市医師会", "松戸市");
  body["type"] = "castle";
  expect_error(admin->request("org.register", body), "invalid_request");
  body["type"] = "clinic";
  body["code"] = "Matsudo Clinic";
  expect_error(admin->request("org.register", body), "invalid_request");
  body["code"] = "matsudo-clinic";
  body["registered_on"] = "2021-02-30";
  expect_error(admin->request("org.register", body), "invalid_request");
  body.erase("registered_on");
  body["name"] = "改行\n入り";
  expect_error(admin->request("org.register", body), "invalid_request");
}

TEST_F(Administration, OnlyCityAdministratorsRegisterAndRetireOrganizations) {
  const auto body = matsudo_clinic("松戸市医師会", "松戸市");
  for (auto* c : {contact.get(), member.get()}) {
    expect_error(c->request("org.register", body), "forbidden");
    expect_error(c->request("org.retire", {{"org", TestServer::kPharmacy}}), "forbidden");
  }
}

// --- org.list ---

TEST_F(Administration, CityAdministratorsSeeEveryOrganizationWithCountsOthersTheActiveOnes) {
  ok(admin->request("org.retire", {{"org", TestServer::kPharmacy}}));
  const auto full = ok(admin->request("org.list", json::object()))["orgs"];
  std::map<std::string, json> by_code;
  for (const auto& o : full)
    by_code[o["code"].get<std::string>()] = o;
  ASSERT_TRUE(by_code.contains(TestServer::kPharmacy));
  EXPECT_EQ(by_code[TestServer::kPharmacy]["active"], false);
  EXPECT_EQ(by_code[TestServer::kVisitingNursing]["users"], 2);
  EXPECT_EQ(by_code[TestServer::kVisitingNursing]["enabled_users"], 2);
  EXPECT_EQ(by_code["city-office"]["users"], 1);
  EXPECT_EQ(by_code[TestServer::kPharmacy]["users"], 0);

  const auto limited = ok(member->request("org.list", json::object()))["orgs"];
  std::vector<std::string> codes;
  for (const auto& o : limited) {
    codes.push_back(o["code"].get<std::string>());
    EXPECT_EQ(o.size(), 4u) << o.dump();  // code, name, type, municipality
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"city-office", TestServer::kClinic,
                                             TestServer::kHospital, TestServer::kVisitingNursing}));
}

// --- user.add ---

TEST_F(Administration, ContactAddsUsersToTheirOwnOrganizationOnly) {
  const auto added = ok(contact->request(
      "user.add", {{"login", "vn.new"}, {"name", "新人 看護師"}, {"profession", "nurse"}}));
  EXPECT_EQ(added["user"]["login"], "vn.new");
  EXPECT_EQ(added["user"]["org"]["code"], TestServer::kVisitingNursing);
  EXPECT_EQ(added["user"]["role"], "member");
  EXPECT_EQ(added["user"]["disabled"], false);
  EXPECT_EQ(added["user"]["unconfirmed"], true);
  const auto password = added["one_time_password"].get<std::string>();
  EXPECT_EQ(password.size(), 23u);
  // The one-time password signs in.
  server.sign_in("vn.new", password);
  // Another contact of the same organization: allowed.
  EXPECT_EQ(ok(contact->request("user.add", {{"login", "vn.contact2"},
                                             {"name", "副 担当"},
                                             {"profession", "office_staff"},
                                             {"org", TestServer::kVisitingNursing},
                                             {"role", "org_contact"}}))["user"]["role"],
            "org_contact");
  // Another organization, or a city administrator: forbidden.
  expect_error(
      contact->request(
          "user.add",
          {{"login", "x1"}, {"name", "X"}, {"profession", "nurse"}, {"org", TestServer::kClinic}}),
      "forbidden");
  expect_error(
      contact->request(
          "user.add",
          {{"login", "x2"}, {"name", "X"}, {"profession", "city_staff"}, {"role", "city_admin"}}),
      "forbidden");
  // A taken login.
  expect_error(
      contact->request("user.add", {{"login", "vn.nurse"}, {"name", "X"}, {"profession", "nurse"}}),
      "conflict");
  // Audited, without the password.
  EXPECT_EQ(audit("user.add"),
            (std::vector<std::string>{"user.add user=vn.new org=test-vn role=member",
                                      "user.add user=vn.contact2 org=test-vn role=org_contact"}));
  EXPECT_EQ(all_audit_details().find(password), std::string::npos);
}

TEST_F(Administration, CityAdministratorAddsUsersAnywhereButAdministratorsOnlyInTheCityOffice) {
  auto added = ok(admin->request("user.add", {{"login", "hosp.msw"},
                                              {"name", "病院 MSW"},
                                              {"profession", "msw"},
                                              {"org", TestServer::kHospital},
                                              {"role", "org_contact"}}));
  EXPECT_EQ(added["user"]["org"]["code"], TestServer::kHospital);
  expect_error(admin->request("user.add", {{"login", "boss2"},
                                           {"name", "偽 管理者"},
                                           {"profession", "city_staff"},
                                           {"org", TestServer::kHospital},
                                           {"role", "city_admin"}}),
               "forbidden");
  // No org: the administrator's own office.
  added = ok(admin->request("user.add", {{"login", "boss2"},
                                         {"name", "市 職員"},
                                         {"profession", "city_staff"},
                                         {"role", "city_admin"}}));
  EXPECT_EQ(added["user"]["org"]["code"], "city-office");
  expect_error(
      admin->request("user.add",
                     {{"login", "x"}, {"name", "X"}, {"profession", "nurse"}, {"org", "nowhere"}}),
      "not_found");
  expect_error(
      admin->request("user.add", {{"login", "Bad Login"}, {"name", "X"}, {"profession", "nurse"}}),
      "invalid_request");
  expect_error(
      admin->request("user.add", {{"login", "x"}, {"name", "X"}, {"profession", "wizard"}}),
      "invalid_request");
  expect_error(
      admin->request("user.add",
                     {{"login", "x"}, {"name", "X"}, {"profession", "nurse"}, {"role", "king"}}),
      "invalid_request");
}

TEST_F(Administration, NobodyIsAddedToARetiredOrganization) {
  ok(admin->request("org.retire", {{"org", TestServer::kPharmacy}}));
  expect_error(admin->request("user.add", {{"login", "late"},
                                           {"name", "遅い 薬剤師"},
                                           {"profession", "pharmacist"},
                                           {"org", TestServer::kPharmacy}}),
               "organization_inactive");
}

// --- a plain member ---

TEST_F(Administration, APlainMemberManagesNobody) {
  expect_error(
      member->request("user.add", {{"login", "x"}, {"name", "X"}, {"profession", "nurse"}}),
      "forbidden");
  expect_error(member->request("user.list", json::object()), "forbidden");
  expect_error(member->request("user.disable", {{"login", "clinic.nurse"}}), "forbidden");
  expect_error(member->request("user.enable", {{"login", "clinic.nurse"}}), "forbidden");
  expect_error(member->request("user.reset_signin", {{"login", "vn.contact"}}), "forbidden");
  expect_error(member->request("org.confirm_staff", {{"logins", json::array({"vn.nurse"})}}),
               "forbidden");
  const auto reply = member->request("org.retire", {{"org", TestServer::kClinic}});
  expect_error(reply, "forbidden");
  EXPECT_FALSE(reply.error_message.empty());
  // What every user may do.
  ok(member->request("org.list", json::object()));
  ok(member->request("directory.search", json::object()));
  EXPECT_TRUE(audit("user.").empty());
}

// --- user.list ---

TEST_F(Administration, ContactListsTheirOwnOrganizationAdministratorAny) {
  auto users = ok(contact->request("user.list", json::object()))["users"];
  EXPECT_EQ(logins(users), (std::vector<std::string>{"vn.contact", "vn.nurse"}));
  users = ok(contact->request("user.list", {{"org", TestServer::kVisitingNursing}}))["users"];
  EXPECT_EQ(users.size(), 2u);
  expect_error(contact->request("user.list", {{"org", TestServer::kClinic}}), "forbidden");

  users = ok(admin->request("user.list", {{"org", TestServer::kClinic}}))["users"];
  EXPECT_EQ(logins(users), (std::vector<std::string>{"clinic.nurse", "test.dr"}));
  users = ok(admin->request("user.list", json::object()))["users"];
  EXPECT_EQ(users.size(), 5u);
  const auto* nurse = find_login(users, "vn.nurse");
  ASSERT_TRUE(nurse);
  EXPECT_EQ((*nurse)["disabled"], false);
  EXPECT_EQ((*nurse)["confirmed_on"], nullptr);
  EXPECT_EQ((*nurse)["unconfirmed"], true);
  EXPECT_EQ((*nurse)["profession"], "nurse");
  EXPECT_TRUE((*nurse)["created"].is_string());
  expect_error(admin->request("user.list", {{"org", "nowhere"}}), "not_found");
}

// --- user.disable / user.enable ---

TEST_F(Administration, DisabledUserIsCutOffLiveCannotSignInAndIsReEnabled) {
  auto nurse = server.sign_in("vn.nurse");  // a second device of the member
  ok(contact->request("user.disable", {{"login", "vn.nurse"}}));
  for (auto* c : {member.get(), nurse.get()}) {
    const auto closed = c->wait_closed(kWait);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->code, 4003);
  }
  auto again = server.connect();
  expect_error(again->request("session.sign_in", {{"login", "vn.nurse"}, {"password", kPassword}}),
               "invalid_credentials");
  const auto users = ok(contact->request("user.list", json::object()))["users"];
  EXPECT_EQ((*find_login(users, "vn.nurse"))["disabled"], true);

  EXPECT_EQ(ok(contact->request("user.enable", {{"login", "vn.nurse"}})),
            (json{{"login", "vn.nurse"}, {"disabled", false}}));
  ok(again->request("session.sign_in", {{"login", "vn.nurse"}, {"password", kPassword}}));
  EXPECT_EQ(audit("user.disable"), (std::vector<std::string>{"user.disable user=vn.nurse"}));
  EXPECT_EQ(audit("user.enable"), (std::vector<std::string>{"user.enable user=vn.nurse"}));
}

TEST_F(Administration, ContactCannotDisableOrEnableAnotherOrganizationsUsers) {
  auto clinic_nurse = server.sign_in("clinic.nurse");
  expect_error(contact->request("user.disable", {{"login", "clinic.nurse"}}), "forbidden");
  expect_error(contact->request("user.enable", {{"login", "clinic.nurse"}}), "forbidden");
  expect_error(contact->request("user.disable", {{"login", "admin"}}), "forbidden");
  expect_error(contact->request("user.disable", {{"login", "ghost"}}), "not_found");
  expect_error(contact->request("user.disable", {{"login", "vn.contact"}}), "conflict");
  // Nothing happened to the clinic's nurse.
  ok(clinic_nurse->request("room.list", json::object()));
  EXPECT_FALSE(clinic_nurse->closed());
  // The city administrator may.
  ok(admin->request("user.disable", {{"login", "clinic.nurse"}}));
  const auto closed = clinic_nurse->wait_closed(kWait);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 4003);
}

// --- user.reset_signin ---

TEST_F(Administration, ResetSigninGivesAWorkingPasswordAndRevokesTheOldSessions) {
  std::string token;
  auto phone = server.connect();
  token = ok(
      phone->request("session.sign_in", {{"login", "vn.nurse"}, {"password", kPassword}}))["token"];
  const auto reset = ok(contact->request("user.reset_signin", {{"login", "vn.nurse"}}));
  EXPECT_EQ(reset["login"], "vn.nurse");
  const auto password = reset["one_time_password"].get<std::string>();
  for (auto* c : {member.get(), phone.get()}) {
    const auto closed = c->wait_closed(kWait);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->code, 4002);
  }
  auto c = server.connect();
  expect_error(c->request("session.resume", {{"token", token}}), "invalid_token");
  expect_error(c->request("session.sign_in", {{"login", "vn.nurse"}, {"password", kPassword}}),
               "invalid_credentials");
  ok(c->request("session.sign_in", {{"login", "vn.nurse"}, {"password", password}}));
  EXPECT_EQ(audit("user.reset_signin"),
            (std::vector<std::string>{"user.reset_signin user=vn.nurse"}));
  EXPECT_EQ(all_audit_details().find(password), std::string::npos);
}

TEST(AdministrationLockout, ResetSigninLiftsALockout) {
  TestServer server([](server::ServerConfig& c) {
    c.limits.max_failed_signins = 2;
    c.limits.lockout_seconds = 600;
  });
  server.add_user("vn.nurse");
  auto c = server.connect();
  for (int i = 0; i < 3; ++i) {
    c->request("session.sign_in", {{"login", "vn.nurse"}, {"password", "wrong-password"}});
  }
  expect_error(c->request("session.sign_in", {{"login", "vn.nurse"}, {"password", kPassword}}),
               "locked_out");
  auto admin = server.sign_in("admin", server.admin_password());
  const auto password =
      ok(admin->request("user.reset_signin", {{"login", "vn.nurse"}}))["one_time_password"];
  ok(c->request("session.sign_in", {{"login", "vn.nurse"}, {"password", password}}));
}

TEST_F(Administration, ContactCannotResetAnotherOrganizationsUser) {
  expect_error(contact->request("user.reset_signin", {{"login", "clinic.nurse"}}), "forbidden");
  expect_error(contact->request("user.reset_signin", {{"login", "ghost"}}), "not_found");
  auto c = server.connect();
  ok(c->request("session.sign_in", {{"login", "clinic.nurse"}, {"password", kPassword}}));
}

// --- org.confirm_staff ---

TEST_F(Administration, ContactConfirmsTheirStaffOnceAYearAndTheRestAreFlagged) {
  server.add_user("vn.helper", "訪問 ヘルパー", "home_helper", TestServer::kVisitingNursing);
  const auto today = server::local_date(server::now_ms());
  const auto confirmed = ok(contact->request(
      "org.confirm_staff", {{"logins", json::array({"vn.nurse", "vn.contact", "vn.nurse"})}}));
  EXPECT_EQ(confirmed["confirmed_on"], today);
  EXPECT_EQ(logins(confirmed["users"]), (std::vector<std::string>{"vn.nurse", "vn.contact"}));
  auto users = ok(contact->request("user.list", json::object()))["users"];
  EXPECT_EQ((*find_login(users, "vn.nurse"))["confirmed_on"], today);
  EXPECT_EQ((*find_login(users, "vn.nurse"))["unconfirmed"], false);
  EXPECT_EQ((*find_login(users, "vn.helper"))["confirmed_on"], nullptr);
  EXPECT_EQ((*find_login(users, "vn.helper"))["unconfirmed"], true);

  // A confirmation more than a year old no longer counts.
  {
    storage::Database db(server.config().database_path(), storage::OpenMode::read_write);
    const auto year = std::stoi(today.substr(0, 4));
    ASSERT_TRUE(storage::set_confirmed_on(db, "vn.nurse", std::to_string(year - 1) + "-01-01"));
    ASSERT_TRUE(
        storage::set_confirmed_on(db, "vn.helper", std::to_string(year - 2) + today.substr(4)));
  }
  users = ok(contact->request("user.list", json::object()))["users"];
  EXPECT_EQ((*find_login(users, "vn.nurse"))["unconfirmed"], today.substr(5) > "01-01");
  EXPECT_EQ((*find_login(users, "vn.helper"))["unconfirmed"], true);
  EXPECT_EQ((*find_login(users, "vn.contact"))["unconfirmed"], false);
  EXPECT_EQ(audit("org.confirm_staff"),
            (std::vector<std::string>{"org.confirm_staff users=vn.nurse,vn.contact"}));
}

TEST_F(Administration, ConfirmingAnotherOrganizationsStaffIsForbiddenAndConfirmsNobody) {
  expect_error(contact->request("org.confirm_staff",
                                {{"logins", json::array({"vn.nurse", "clinic.nurse"})}}),
               "forbidden");
  expect_error(
      contact->request("org.confirm_staff", {{"logins", json::array({"vn.nurse", "ghost"})}}),
      "not_found");
  expect_error(contact->request("org.confirm_staff", {{"logins", json::array()}}),
               "invalid_request");
  const auto users = ok(contact->request("user.list", json::object()))["users"];
  EXPECT_EQ((*find_login(users, "vn.nurse"))["confirmed_on"], nullptr);
  EXPECT_TRUE(audit("org.confirm_staff").empty());
}

// --- org.retire ---

TEST_F(Administration, RetiringAnOrganizationCutsItsUsersOff) {
  ok(admin->request("org.retire",
                    {{"org", TestServer::kVisitingNursing}, {"retired_on", "2027-03-31"}}));
  for (auto* c : {contact.get(), member.get()}) {
    const auto closed = c->wait_closed(kWait);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->code, 4003);
  }
  auto c = server.connect();
  expect_error(c->request("session.sign_in", {{"login", "vn.nurse"}, {"password", kPassword}}),
               "invalid_credentials");
  // Others are not affected.
  ok(c->request("session.sign_in", {{"login", "clinic.nurse"}, {"password", kPassword}}));
  const auto list = ok(admin->request("org.list", json::object()))["orgs"];
  for (const auto& o : list) {
    if (o["code"] == TestServer::kVisitingNursing) {
      EXPECT_EQ(o["retired_on"], "2027-03-31");
      EXPECT_EQ(o["active"], false);
    }
  }
  expect_error(admin->request("org.retire", {{"org", TestServer::kVisitingNursing}}), "conflict");
  expect_error(admin->request("org.retire", {{"org", "nowhere"}}), "not_found");
  expect_error(admin->request("org.retire", {{"org", "city-office"}}), "forbidden");
  EXPECT_EQ(audit("org.retire"),
            (std::vector<std::string>{"org.retire org=test-vn on=2027-03-31 users=2"}));
}

// --- directory.search ---

TEST_F(Administration, DirectoryFindsActiveColleaguesOnly) {
  server.add_user("pharm.a", "薬局 太郎", "pharmacist", TestServer::kPharmacy);
  server.add_user("vn.gone", "退職 看護師", "nurse", TestServer::kVisitingNursing);
  ok(admin->request("user.disable", {{"login", "vn.gone"}}));

  auto users = ok(member->request("directory.search", json::object()))["users"];
  EXPECT_EQ(logins(users), (std::vector<std::string>{"clinic.nurse", "pharm.a", "test.dr",
                                                     "vn.contact", "vn.nurse"}));
  // City administrators are never listed; each entry names the organization and its type.
  const auto* dr = find_login(users, "test.dr");
  ASSERT_TRUE(dr);
  EXPECT_EQ(
      *dr,
      (json{{"login", "test.dr"},
            {"name", "試験 医師"},
            {"profession", "physician"},
            {"org", {{"code", "test-clinic"}, {"name", "テスト診療所"}, {"type", "clinic"}}}}));

  // By part of a name or login, by profession, by organization.
  users = ok(member->request("directory.search", {{"query", "看護"}}))["users"];
  EXPECT_EQ(logins(users), (std::vector<std::string>{"clinic.nurse", "vn.nurse"}));
  users = ok(member->request("directory.search", {{"query", "PHARM"}}))["users"];
  EXPECT_EQ(logins(users), (std::vector<std::string>{"pharm.a"}));
  users = ok(member->request("directory.search", {{"profession", "physician"}}))["users"];
  EXPECT_EQ(logins(users), (std::vector<std::string>{"test.dr"}));
  users = ok(
      member->request("directory.search", {{"org", TestServer::kClinic}, {"query", ""}}))["users"];
  EXPECT_EQ(logins(users), (std::vector<std::string>{"clinic.nurse", "test.dr"}));
  EXPECT_TRUE(ok(admin->request("directory.search", {{"query", "admin"}}))["users"].empty());
  expect_error(member->request("directory.search", {{"profession", "wizard"}}), "invalid_request");

  // A retired organization's people disappear.
  ok(admin->request("org.retire", {{"org", TestServer::kPharmacy}}));
  users = ok(member->request("directory.search", json::object()))["users"];
  EXPECT_EQ(find_login(users, "pharm.a"), nullptr);
}

TEST_F(Administration, DirectoryIsCutAtFifty) {
  {
    // Straight into the database: 52 user.add requests would run into the rate limit.
    storage::Database db(server.config().database_path(), storage::OpenMode::read_write);
    storage::Transaction tx(db);
    const auto hospital = storage::find_organization(db, TestServer::kHospital)->id;
    for (int i = 0; i < 52; ++i) {
      ASSERT_TRUE(storage::insert_user(
          db,
          storage::NewUser{"many." + std::to_string(100 + i), "多数 " + std::to_string(i), "x",
                           hospital, "care_worker", "member"},
          server::now_ms()));
    }
    tx.commit();
  }
  auto result = ok(member->request("directory.search", {{"query", "many."}}));
  EXPECT_EQ(result["users"].size(), 50u);
  EXPECT_EQ(result["truncated"], true);
  result = ok(member->request("directory.search", {{"query", "many.10"}}));
  EXPECT_EQ(result["users"].size(), 10u);
  EXPECT_EQ(result["truncated"], false);
}

TEST_F(Administration, DirectoryNeedsASignedInUser) {
  auto c = server.connect();
  expect_error(c->request("directory.search", json::object()), "unauthenticated");
}

}  // namespace
}  // namespace musubi::testing
