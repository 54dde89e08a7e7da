#include "storage/statistics.hpp"

#include <gtest/gtest.h>

#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

// Three months as synthetic intervals, so that the test does not depend on the time zone:
// April [1000, 2000), May [2000, 3000), June [3000, 4000) of 2026.
class Statistics : public test::StorageTest {
 protected:
  StatisticsQuery query() const {
    return StatisticsQuery{
        {{"2026-04", 1000, 2000}, {"2026-05", 2000, 3000}, {"2026-06", 3000, 4000}},
        "柏市",
        {"municipal_office"}};
  }

  std::int64_t org(const std::string& code, const std::string& type,
                   const std::string& municipality, const std::string& registered_on,
                   std::optional<std::string> retired_on = std::nullopt) {
    Organization o;
    o.code = code;
    o.name = code;
    o.type = type;
    o.municipality = municipality;
    o.association = "assoc";
    o.association_area = municipality;
    o.registered_on = registered_on;
    o.retired_on = std::move(retired_on);
    return insert_organization(db_, o).value();
  }

  std::int64_t user(const std::string& login, std::int64_t org_id, const std::string& profession,
                    std::int64_t created_ms, const std::string& role = "member") {
    return insert_user(db_, NewUser{login, login, "h", org_id, profession, role}, created_ms)
        .value();
  }

  void request(std::int64_t requester, const std::string& profession, bool first,
               std::int64_t created_ms) {
    Patient p;
    p.public_id = "p" + std::to_string(++patients_);
    p.name = "患者";
    p.kana = "カンジャ";
    p.birth_date = "1940-01-01";
    p.sex = "female";
    p.municipality = "柏市";
    p.address = "柏市";
    p.registered_by = requester;
    RoomRequest r;
    r.public_id = "q" + std::to_string(patients_);
    r.patient_id = insert_patient(db_, p);
    r.requester_id = requester;
    r.requester_profession = profession;
    r.first_request = first;
    r.physician_id = requester;
    r.physician_setting = "clinic";
    r.state = "awaiting_physician";
    r.created_ms = r.updated_ms = created_ms;
    insert_request(db_, r);
  }

  std::int64_t room(const std::string& id, std::int64_t creator, std::int64_t created_ms,
                    bool physician, const std::string& stand_in_kind = "") {
    auto r = new_room(id, creator);  // its request is filed at 0: before every month
    r.physician_participates = physician;
    r.stand_in_kind = stand_in_kind;
    return insert_room(db_, r, created_ms);
  }

  int patients_ = 0;
};

TEST_F(Statistics, CountsTheCouncilsFiguresPerMonthAndAtTheEnd) {
  // Organizations. The fixture's visiting-nursing station registered on 2026-04-01, in the city.
  const auto office = org("city-office", "municipal_office", "柏市", "2026-04-01");
  const auto hospital = org("hosp", "hospital", "柏市", "2026-05-10");
  const auto outside = org("out-clinic", "clinic", "松戸市", "2026-05-20");
  const auto pharmacy = org("old-pharmacy", "pharmacy", "柏市", "2025-01-01");
  const auto retired = org("retired-ds", "day_service", "柏市", "2025-01-01", "2026-05-15");
  org("retires-later", "day_service", "柏市", "2025-02-01", "2026-07-03");
  org("joins-later", "clinic", "柏市", "2026-07-01");

  // Users.
  const auto nurse = user("nurse1", org_id_, "nurse", 1100);
  user("nurse2", org_id_, "nurse", 2500);
  ASSERT_TRUE(set_user_disabled(db_, "nurse2", true, 2600));
  const auto dr = user("dr", hospital, "physician", 2100);
  const auto msw = user("msw", hospital, "msw", 3100);
  const auto pharmacist = user("pharm", pharmacy, "pharmacist", 500);
  const auto cm = user("cm", outside, "care_manager", 2900);
  user("ds", retired, "care_worker", 500);
  user("later", org_id_, "nurse", 5000);
  user("admin", office, "city_staff", 1500, "city_admin");

  // Requests to open a room.
  request(nurse, "nurse", true, 1200);
  request(nurse, "nurse", false, 2200);
  request(pharmacist, "pharmacist", true, 2300);
  request(msw, "msw", true, 3200);
  request(cm, "care_manager", true, 3400);
  request(dr, "physician", true, 4500);  // after the last month

  // Rooms.
  room("r1", nurse, 1300, true);
  room("r2", nurse, 2400, false, "hospital_liaison");
  const auto r3 = room("r3", nurse, 3500, false);
  ASSERT_TRUE(close_room(db_, r3, "death", "", 3600));
  const auto r4 = room("r4", nurse, 500, true);
  ASSERT_TRUE(close_room(db_, r4, "moved", "", 4500));  // closed after the last month
  room("r5", nurse, 4200, true);

  const auto s = collect_statistics(db_, query());
  ASSERT_EQ(s.months.size(), 3u);
  const auto& apr = s.months[0];
  const auto& may = s.months[1];
  const auto& jun = s.months[2];
  EXPECT_EQ(apr.month, "2026-04");
  EXPECT_EQ(jun.month, "2026-06");

  EXPECT_EQ(apr.new_orgs_in_city, (CountsByCode{{"visiting_nursing", 1}}));  // not the office
  EXPECT_TRUE(apr.new_orgs_out_of_city.empty());
  EXPECT_EQ(may.new_orgs_in_city, (CountsByCode{{"hospital", 1}}));
  EXPECT_EQ(may.new_orgs_out_of_city, (CountsByCode{{"clinic", 1}}));
  EXPECT_TRUE(jun.new_orgs_in_city.empty());

  EXPECT_EQ(apr.new_users, 1);  // not the administrator
  EXPECT_EQ(may.new_users, 3);  // nurse2 (since disabled), dr, cm
  EXPECT_EQ(jun.new_users, 1);

  EXPECT_EQ(apr.requests, (CountsByCode{{"nurse", 1}}));
  EXPECT_EQ(apr.first_requests, (CountsByCode{{"nurse", 1}}));
  EXPECT_EQ(may.requests, (CountsByCode{{"nurse", 1}, {"pharmacist", 1}}));
  EXPECT_EQ(may.first_requests, (CountsByCode{{"pharmacist", 1}}));
  EXPECT_EQ(jun.requests, (CountsByCode{{"care_manager", 1}, {"msw", 1}}));
  EXPECT_EQ(jun.first_requests, (CountsByCode{{"care_manager", 1}, {"msw", 1}}));

  EXPECT_EQ(apr.rooms_opened_with_physician, 1);
  EXPECT_EQ(apr.rooms_opened_without_physician, 0);
  EXPECT_EQ(may.rooms_opened_with_physician, 0);
  EXPECT_EQ(may.rooms_opened_without_physician, 1);
  EXPECT_EQ(jun.rooms_opened_without_physician, 1);

  const auto& end = s.at_end;
  EXPECT_EQ(end.rooms_with_physician, 2);  // r1, r4
  EXPECT_EQ(end.rooms_without_physician, (CountsByCode{{"", 1}, {"hospital_liaison", 1}}));
  EXPECT_EQ(end.rooms_open, 3);           // r1, r2, r4
  EXPECT_EQ(end.rooms_closed, 1);         // r3
  EXPECT_EQ(end.active_orgs_in_city, 4);  // test-vn, hosp, old-pharmacy, retires-later
  EXPECT_EQ(end.active_orgs_out_of_city, 1);
  EXPECT_EQ(end.active_users, 5);  // nurse1, dr, msw, pharm, cm
  EXPECT_EQ(end.requesters,
            (CountsByCode{{"care_manager", 1}, {"msw", 1}, {"nurse", 1}, {"pharmacist", 1}}));
}

TEST_F(Statistics, AMonthWithNothingCountsZero) {
  const auto s = collect_statistics(db_, StatisticsQuery{{{"2030-01", 10, 20}}, "柏市", {}});
  ASSERT_EQ(s.months.size(), 1u);
  EXPECT_EQ(s.months[0].month, "2030-01");
  EXPECT_TRUE(s.months[0].new_orgs_in_city.empty());
  EXPECT_EQ(s.months[0].new_users, 0);
  EXPECT_TRUE(s.months[0].requests.empty());
  EXPECT_EQ(s.at_end.rooms_open, 0);
  EXPECT_EQ(s.at_end.active_orgs_in_city, 1);  // the fixture's, registered 2026-04-01
  EXPECT_EQ(s.at_end.active_users, 0);
}

TEST_F(Statistics, NoMonthsNoCounts) {
  const auto s = collect_statistics(db_, StatisticsQuery{{}, "柏市", {}});
  EXPECT_TRUE(s.months.empty());
  EXPECT_EQ(s.at_end.active_orgs_in_city, 0);
}

}  // namespace
}  // namespace musubi::storage
