#include "server/csv_import.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "server/admin_commands.hpp"
#include "server/clock.hpp"
#include "server/password_hasher.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/organizations.hpp"
#include "storage/users.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

constexpr const char* kCity = "柏市";
constexpr const char* kOrgHeader =
    "code,name,type,address,municipality,association,association_area,registered_on\n";
constexpr const char* kUserHeader = "login,name,org,profession,role,password\n";

// `musubid org import` and `musubid user import` on a data directory of their own, which starts
// with the city's office and one clinic.
class CsvImport : public ::testing::Test {
 protected:
  CsvImport() {
    config_.data_dir = dir_.path() / "data";
    config_.storage.synchronous = "NORMAL";
    config_.security.argon2_ops = 1;
    config_.security.argon2_memory_kib = 1024;
    std::ostringstream out, err;
    EXPECT_EQ(
        org_add(config_, {"city-office", "柏市役所", "municipal_office", "", kCity, "", "", ""},
                out, err),
        0)
        << err.str();
    EXPECT_EQ(org_add(config_,
                      {"kashiwa-clinic", "柏診療所", "clinic", "柏市柏2-2", kCity, "柏市医師会",
                       kCity, "2020-04-01"},
                      out, err),
              0)
        << err.str();
  }

  struct Outcome {
    int code;
    std::string out;
    std::string err;
  };

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  Outcome import_orgs(const std::string& text) {
    std::ostringstream out, err;
    const int code = org_import(config_, write("orgs.csv", text), out, err);
    return {code, out.str(), err.str()};
  }

  Outcome import_users(const std::string& text, const std::optional<std::string>& orgs = {}) {
    std::ostringstream out, err;
    std::optional<std::filesystem::path> orgs_file;
    if (orgs) orgs_file = write("orgs.csv", *orgs);
    const int code = user_import(config_, write("users.csv", text), orgs_file, out, err);
    return {code, out.str(), err.str()};
  }

  // The bad-row lines of an import's error report, without the file name.
  static std::vector<std::string> problems(const std::string& err) {
    std::vector<std::string> lines;
    std::istringstream in(err);
    std::string line;
    while (std::getline(in, line)) {
      const auto at = line.find(": line ");
      if (at != std::string::npos) lines.push_back(line.substr(at + 2));
    }
    return lines;
  }

  std::vector<std::string> org_codes() {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    std::vector<std::string> codes;
    for (const auto& o : storage::list_organizations(db))
      codes.push_back(o.code);
    return codes;
  }

  std::vector<std::string> logins() {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    std::vector<std::string> out;
    for (const auto& u : storage::list_users(db))
      out.push_back(u.login);
    return out;
  }

  std::optional<storage::User> user(const std::string& login) {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    return storage::find_user_by_login(db, login);
  }

  std::int64_t audit_entries() {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    auto& st = db.prepare("SELECT COUNT(*) FROM audit");
    st.step();
    const auto n = st.int64(0);
    st.reset();
    return n;
  }

  musubi::testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(CsvImport, GoodOrganizationsFileIsImported) {
  const auto r = import_orgs(
      std::string("\xEF\xBB\xBF") + kOrgHeader +
      "kashiwa-vn,柏訪問看護ステーション,visiting_nursing,\"柏市柏1-1, 2階\",柏市,"
      "千葉県訪問看護ステーション協議会,柏市,2021-11-01\r\n"
      "matsudo-clinic,\"松戸 \"\"みらい\"\" 診療所\",clinic,松戸市松戸1-1,松戸市,松戸市医師会,"
      "松戸市,\r\n"
      ",,,,,,,\r\n");  // a spreadsheet's empty row
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("imported 2 organizations"), std::string::npos) << r.out;
  EXPECT_EQ(org_codes(), (std::vector<std::string>{"city-office", "kashiwa-clinic", "kashiwa-vn",
                                                   "matsudo-clinic"}));
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  const auto vn = storage::find_organization(db, "kashiwa-vn");
  EXPECT_EQ(vn->address, "柏市柏1-1, 2階");
  EXPECT_EQ(vn->registered_on, "2021-11-01");
  const auto matsudo = storage::find_organization(db, "matsudo-clinic");
  EXPECT_EQ(matsudo->name, "松戸 \"みらい\" 診療所");
  EXPECT_EQ(matsudo->registered_on, local_date(now_ms()));
}

TEST_F(CsvImport, ColumnsMayComeInAnyOrderAndOptionalOnesMayBeLeftOut) {
  const auto r = import_orgs(
      "Name, Code ,municipality,type,association,association_area\n"
      "柏薬局,kashiwa-pharmacy,柏市,pharmacy,柏市薬剤師会,柏市\n");
  EXPECT_EQ(r.code, 0) << r.err;
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  const auto o = storage::find_organization(db, "kashiwa-pharmacy");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->name, "柏薬局");
  EXPECT_EQ(o->address, "");
}

TEST_F(CsvImport, EveryBadOrganizationRowIsReportedByLineAndNothingIsImported) {
  const auto before = audit_entries();
  const auto r =
      import_orgs(std::string(kOrgHeader) +
                  "good-1,良い診療所,clinic,,柏市,柏市医師会,柏市,\n"                   // 2: fine
                  "no-assoc,協会なし診療所,clinic,,柏市,,,\n"                           // 3
                  "matsudo-1,松戸の診療所,clinic,,松戸市,柏市医師会,柏市,\n"            // 4
                  "Bad Code,診療所,clinic,,柏市,柏市医師会,柏市,\n"                     // 5
                  "castle-1,城,castle,,柏市,柏市医師会,柏市,\n"                         // 6
                  "\"multi\nline\",\"名前\",clinic,,柏市,柏市医師会,柏市,2021-02-30\n"  // 7-8
                  "good-1,同じコード,clinic,,柏市,柏市医師会,柏市,\n"                   // 9
                  "kashiwa-clinic,既存,clinic,,柏市,柏市医師会,柏市,\n"                 // 10
                  "other-office,松戸市役所,municipal_office,,松戸市,,,\n"               // 11
                  "short-row,足りない,clinic\n"                                         // 12
                  ",名無し,clinic,,柏市,柏市医師会,柏市,\n"                             // 13
                  "good-2,良い薬局,pharmacy,,柏市,柏市薬剤師会,柏市,\n");               // 14: fine
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  const auto lines = problems(r.err);
  ASSERT_EQ(lines.size(), 10u) << r.err;
  EXPECT_TRUE(lines[0].starts_with("line 3: association_required: ")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("line 4: association_not_local: ")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("line 5: invalid_request: code: \"Bad Code\"")) << lines[2];
  EXPECT_TRUE(
      lines[3].starts_with("line 6: invalid_request: type: unknown organization type "
                           "\"castle\""))
      << lines[3];
  EXPECT_TRUE(lines[4].starts_with("line 7: invalid_request: code: ")) << lines[4];
  EXPECT_EQ(lines[5], "line 9: conflict: code \"good-1\" is already on line 2");
  EXPECT_EQ(lines[6], "line 10: conflict: code \"kashiwa-clinic\" is already registered");
  EXPECT_TRUE(lines[7].starts_with("line 11: not_in_city: ")) << lines[7];
  EXPECT_EQ(lines[8], "line 12: invalid_request: 3 fields, but the header has 8");
  EXPECT_TRUE(lines[9].starts_with("line 13: invalid_request: code: ")) << lines[9];
  EXPECT_NE(r.err.find("orgs.csv: line 3: association_required: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("musubid: 10 bad rows; nothing imported\n"), std::string::npos) << r.err;
  // Not even the good rows.
  EXPECT_EQ(org_codes(), (std::vector<std::string>{"city-office", "kashiwa-clinic"}));
  EXPECT_EQ(audit_entries(), before);
}

TEST_F(CsvImport, BadDateIsReported) {
  const auto r = import_orgs(std::string(kOrgHeader) +
                             "good-1,良い診療所,clinic,,柏市,柏市医師会,柏市,2021-02-30\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(problems(r.err), (std::vector<std::string>{
                                 "line 2: invalid_request: registered_on: \"2021-02-30\" is not a "
                                 "date YYYY-MM-DD"}));
}

TEST_F(CsvImport, HeaderProblems) {
  auto r = import_orgs("code,name,type,colour\nx,y,clinic,red\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(
      problems(r.err),
      (std::vector<std::string>{
          "line 1: invalid_request: unknown column \"colour\" (the columns are code,name,type,"
          "address,municipality,association,association_area,registered_on)",
          "line 1: invalid_request: the header has no column \"municipality\""}));
  r = import_orgs("");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 1: invalid_request: empty file"), std::string::npos) << r.err;
  r = import_orgs("code,name,code,type,municipality\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 1: invalid_request: column \"code\" twice"), std::string::npos)
      << r.err;
}

TEST_F(CsvImport, UnreadableCsvIsReportedWithItsLine) {
  auto r = import_orgs(std::string(kOrgHeader) + "a,\"b,clinic,,柏市,柏市医師会,柏市,\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(problems(r.err),
            (std::vector<std::string>{"line 2: invalid_request: a quoted field is never closed"}));
  r = import_orgs(std::string(kOrgHeader) + "a,\x8f\x95,clinic,,x,y,z,\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 2: invalid_request: not UTF-8"), std::string::npos) << r.err;
  EXPECT_EQ(org_codes().size(), 2u);
}

TEST_F(CsvImport, MissingFile) {
  std::ostringstream out, err;
  EXPECT_EQ(org_import(config_, dir_.path() / "nope.csv", out, err), 1);
  EXPECT_NE(err.str().find("cannot read"), std::string::npos);
}

TEST_F(CsvImport, GoodUsersFileWithGivenAndGeneratedPasswords) {
  const auto r = import_users(std::string(kUserHeader) +
                              "sato.dr,\"佐藤, 一郎\",kashiwa-clinic,physician,,doctor-pass-1\n"
                              "suzuki,鈴木 花子,kashiwa-clinic,nurse,org_contact,\n"
                              "boss2,市 職員,city-office,city_staff,city_admin,\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 3 users\n"), std::string::npos) << r.out;
  EXPECT_EQ(logins(), (std::vector<std::string>{"boss2", "sato.dr", "suzuki"}));
  const auto sato = user("sato.dr");
  EXPECT_EQ(sato->name, "佐藤, 一郎");
  EXPECT_EQ(sato->role, "member");
  EXPECT_EQ(sato->profession, "physician");
  EXPECT_EQ(user("suzuki")->role, "org_contact");
  EXPECT_EQ(user("boss2")->role, "city_admin");
  PasswordHasher hasher(1, 1024);
  EXPECT_TRUE(hasher.verify(sato->password_hash, "doctor-pass-1"));
  // The given password is not printed; the generated ones are, each with its login.
  EXPECT_EQ(r.out.find("doctor-pass-1"), std::string::npos) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  std::map<std::string, std::string> generated;
  while (std::getline(lines, line)) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) generated[line.substr(0, tab)] = line.substr(tab + 1);
  }
  ASSERT_EQ(generated.size(), 2u) << r.out;
  EXPECT_TRUE(hasher.verify(user("suzuki")->password_hash, generated["suzuki"]));
  EXPECT_TRUE(hasher.verify(user("boss2")->password_hash, generated["boss2"]));
  EXPECT_NE(generated["suzuki"], generated["boss2"]);
}

TEST_F(CsvImport, PasswordColumnIsOptional) {
  const auto r = import_users("login,name,org,profession\nito,伊藤,kashiwa-clinic,msw\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ito\t"), std::string::npos) << r.out;
  EXPECT_EQ(user("ito")->role, "member");
}

TEST_F(CsvImport, EveryBadUserRowIsReportedByLineAndNothingIsImported) {
  {
    std::istringstream in("password1\n");
    std::ostringstream out, err;
    ASSERT_EQ(user_add(config_, {"taken", "T", "kashiwa-clinic", "nurse", "member"}, in, out, err),
              0)
        << err.str();
  }
  {
    std::ostringstream out, err;
    ASSERT_EQ(
        org_add(config_, {"old-clinic", "旧診療所", "clinic", "", kCity, "柏市医師会", kCity, ""},
                out, err),
        0);
    ASSERT_EQ(org_retire(config_, "old-clinic", "", out, err), 0);
  }
  const auto r = import_users(std::string(kUserHeader) +
                              "fine,良い,kashiwa-clinic,nurse,,\n"                 // 2
                              "ghost,幽霊,nowhere,nurse,,\n"                       // 3
                              "fine,重複,kashiwa-clinic,nurse,,\n"                 // 4
                              "taken,既存,kashiwa-clinic,nurse,,\n"                // 5
                              "chief,院長,kashiwa-clinic,physician,city_admin,\n"  // 6
                              "late,遅い,old-clinic,nurse,,\n"                     // 7
                              "wiz,魔法,kashiwa-clinic,wizard,,\n"                 // 8
                              "boss,上司,kashiwa-clinic,nurse,boss,\n"             // 9
                              "shorty,短い,kashiwa-clinic,nurse,,short\n"          // 10
                              "Upper,大文字,kashiwa-clinic,nurse,,\n"              // 11
                              "noname,,kashiwa-clinic,nurse,,\n"                   // 12
                              "fine2,良い2,kashiwa-clinic,pharmacist,member,\n");  // 13
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  const auto lines = problems(r.err);
  ASSERT_EQ(lines.size(), 10u) << r.err;
  EXPECT_EQ(lines[0], "line 3: not_found: no organization \"nowhere\"");
  EXPECT_EQ(lines[1], "line 4: conflict: login \"fine\" is already on line 2");
  EXPECT_EQ(lines[2], "line 5: conflict: login \"taken\" is already taken");
  EXPECT_TRUE(lines[3].starts_with("line 6: forbidden: kashiwa-clinic: city administrators"))
      << lines[3];
  EXPECT_TRUE(lines[4].starts_with("line 7: organization_inactive: old-clinic: ")) << lines[4];
  EXPECT_EQ(lines[5], "line 8: invalid_request: profession: unknown profession \"wizard\"");
  EXPECT_EQ(lines[6], "line 9: invalid_request: role: unknown role \"boss\"");
  EXPECT_TRUE(lines[7].starts_with("line 10: invalid_request: password: at least 8")) << lines[7];
  EXPECT_TRUE(lines[8].starts_with("line 11: invalid_request: login: \"Upper\"")) << lines[8];
  EXPECT_EQ(lines[9], "line 12: invalid_request: name: required");
  EXPECT_NE(r.err.find("users.csv: line 3: not_found"), std::string::npos) << r.err;
  EXPECT_EQ(logins(), (std::vector<std::string>{"taken"}));
}

TEST_F(CsvImport, UsersMayNameOrganizationsImportedInTheSameRun) {
  const std::string orgs = std::string(kOrgHeader) +
                           "kashiwa-vn,柏訪問看護,visiting_nursing,,柏市,"
                           "千葉県訪問看護ステーション協議会,柏市,\n";
  const std::string users = std::string(kUserHeader) + "kato,加藤,kashiwa-vn,nurse,,\n";
  // Alone, the users file names an unknown organization.
  auto r = import_users(users);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(problems(r.err),
            (std::vector<std::string>{"line 2: not_found: no organization \"kashiwa-vn\""}));
  // With the organizations file, both go in together.
  r = import_users(users, orgs);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 1 user and 1 organization"), std::string::npos) << r.out;
  EXPECT_EQ(user("kato")->org_code, "kashiwa-vn");
}

TEST_F(CsvImport, ABadOrganizationStopsTheUsersToo) {
  const std::string orgs = std::string(kOrgHeader) +
                           "kashiwa-vn,柏訪問看護,visiting_nursing,,柏市,,,\n";  // no association
  const auto r =
      import_users(std::string(kUserHeader) + "kato,加藤,kashiwa-clinic,nurse,,\n", orgs);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("orgs.csv: line 2: association_required: "), std::string::npos) << r.err;
  EXPECT_EQ(org_codes().size(), 2u);
  EXPECT_TRUE(logins().empty());
}

TEST_F(CsvImport, PlanWithoutProblemsListsTheRows) {
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  const auto plan =
      plan_org_import(db, std::string(kOrgHeader) + " x1 , 名前 ,clinic,,柏市,柏市医師会,柏市,\n",
                      kCity, "2027-01-02");
  ASSERT_TRUE(plan.problems.empty()) << to_string(plan.problems.front());
  ASSERT_EQ(plan.rows.size(), 1u);
  EXPECT_EQ(plan.rows[0].line, 2u);
  EXPECT_EQ(plan.rows[0].org.code, "x1");  // surrounding spaces are not part of a value
  EXPECT_EQ(plan.rows[0].org.name, "名前");
  EXPECT_EQ(plan.rows[0].org.registered_on, "2027-01-02");
}

TEST(ImportProblem, ReadsAsLineCodeMessage) {
  EXPECT_EQ(to_string(ImportProblem{7, "association_not_local", "outside the city"}),
            "line 7: association_not_local: outside the city");
}

}  // namespace
}  // namespace musubi::server
