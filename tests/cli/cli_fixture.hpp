#pragma once

// A test with its own scratch directory, a running musubid in it (its city: the default, 柏市),
// the city's care organizations, and helpers to make people and to open patients' rooms.

#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_user.hpp"
#include "tests/cli/musubid_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::testing {

inline constexpr const char* kUserPassword = "correct horse battery staple";
inline constexpr const char* kCity = "柏市";

// The organizations every CLI test starts with, all in the city and each with its association.
inline constexpr const char* kStation = "kashiwa-vn";         // 訪問看護ステーション
inline constexpr const char* kClinic = "kashiwa-clinic";      // 診療所
inline constexpr const char* kHospital = "kashiwa-hospital";  // 病院 with a liaison office
inline constexpr const char* kCareOffice = "kashiwa-cm";      // 居宅介護支援事業所

inline constexpr const char* kPhysician = "dr.yamamoto";  // the clinic's physician

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Musubid>(dir_.path() / "server");
    server_->start();
    ASSERT_TRUE(server_->bootstrap_password().has_value()) << server_->banner();
    server_->add_org({kStation, "柏訪問看護ステーション", "visiting_nursing", kCity,
                      "千葉県訪問看護ステーション協議会", kCity, "柏1-1-1"});
    server_->add_org({kClinic, "山本クリニック", "clinic", kCity, "柏市医師会", kCity, "柏2-2-2"});
    server_->add_org({kHospital, "柏中央病院", "hospital", kCity, "柏市医師会", kCity, "柏3-3-3"});
    server_->add_org({kCareOffice, "柏ケアプランセンター", "care_management", kCity,
                      "柏市介護支援専門員協議会", kCity, "柏4-4-4"});
  }

  Musubid& server() { return *server_; }

  // A CLI identity with its own MUSUBI_HOME (created by the CLI itself on login).
  CliUser user(const std::string& name) const { return CliUser(dir_.path() / ("home-" + name)); }

  // The city administrator, logged in with the bootstrap password.
  CliUser admin() {
    CliUser admin = user("admin");
    admin.login(*server_, "admin", *server_->bootstrap_password());
    return admin;
  }

  // `musubid user add` and `musubi login` in a home of their own. By default a visiting nurse
  // (看護師 of the visiting-nursing station).
  CliUser signed_in_user(const std::string& login, const std::string& name,
                         const std::string& org = kStation,
                         const std::string& profession = "nurse") {
    server_->add_user(login, name, kUserPassword, org, profession);
    CliUser u = user(login);
    u.login(*server_, login, kUserPassword);
    return u;
  }

  // The clinic's physician, dr.yamamoto (山本 康夫), added and signed in on first use.
  const CliUser& physician() {
    if (!physician_) physician_ = signed_in_user(kPhysician, "山本 康夫", kClinic, "physician");
    return *physician_;
  }

  // `musubi patient register` (a resident of the city) and `musubi patient consent` as `who`;
  // returns the patient's id.
  std::string registered_patient(const CliUser& who, const std::string& name,
                                 bool with_consent = true) {
    const auto id = trim(
        who.ok({"patient", "register", "--name", name, "--kana", "テスト", "--birth-date",
                "1940-04-01", "--sex", "male", "--municipality", kCity, "--address", "柏5-5-5"}));
    EXPECT_FALSE(id.empty());
    if (with_consent) {
      who.ok({"patient", "consent", id, "--date", "2026-11-01", "--obtained-by", "佐藤 花子"});
    }
    return id;
  }

  // Opens a room for a new patient named `patient` through the request workflow, the shortest
  // way that leaves `requester` (a visiting nurse) its only member and administrator: the request
  // names the clinic's physician, who declines to take part, and the requester proceeds without
  // them (allowed at once: a visiting nurse is on the team). The room is "PATIENT 様"; its first
  // event (seq 1) is its opening. Returns the room's id.
  std::string open_room(const CliUser& requester, const std::string& patient) {
    const CliUser& doctor = physician();
    const auto id = registered_patient(requester, patient);
    const auto request = trim(requester.ok({"request", "file", id, "--physician", kPhysician}));
    EXPECT_EQ(doctor.ok({"request", "decline", request}), "physician_declined\n");
    const auto room = trim(requester.ok({"request", "proceed", request}));
    EXPECT_FALSE(room.empty());
    return room;
  }

  TempDir dir_;
  std::unique_ptr<Musubid> server_;
  std::optional<CliUser> physician_;
};

}  // namespace musubi::testing
