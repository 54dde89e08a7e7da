#include "server/admin_commands.hpp"

#include <array>
#include <sstream>
#include <string>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/password_hasher.hpp"
#include "storage/database.hpp"
#include "storage/organizations.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

using nlohmann::json;

constexpr const char* kLoginRule =
    "musubid: a login is 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or "
    "digit\n";
constexpr const char* kCity = "柏市";
constexpr const char* kStation = "kashiwa-vn";
constexpr const char* kOffice = "city-office";

TEST(ValidLogin, AcceptsTheDocumentedAlphabet) {
  for (const char* login :
       {"a", "tanaka", "sato.h", "ito_2", "n-yamada", "0day", "a.b_c-d", "x9"}) {
    EXPECT_TRUE(valid_login(login)) << login;
  }
  EXPECT_TRUE(valid_login(std::string(64, 'a')));
}

TEST(ValidLogin, RefusesEverythingElse) {
  for (const char* login : {"", "Tanaka", ".tanaka", "_tanaka", "-tanaka", "tan aka", "tanaka@x",
                            "田中", "tanaka\n", "a/b", "a:b"}) {
    EXPECT_FALSE(valid_login(login)) << login;
  }
  EXPECT_FALSE(valid_login(std::string(65, 'a')));
}

// Runs the admin commands against a data directory of its own, with the cheapest Argon2 cost.
class AdminCommands : public ::testing::Test {
 protected:
  AdminCommands() {
    config_.data_dir = dir_.path() / "data";
    config_.storage.synchronous = "NORMAL";
    config_.security.argon2_ops = 1;
    config_.security.argon2_memory_kib = 1024;
  }

  struct Outcome {
    int code;
    std::string out;
    std::string err;
  };

  // The city's office and a visiting-nursing station, registered as an operator would.
  void add_orgs() {
    ASSERT_EQ(org_add(OrgSpec{kOffice, "柏市役所", "municipal_office", "", kCity, "", "", ""}).code,
              0);
    ASSERT_EQ(org_add(OrgSpec{kStation, "柏訪問看護ステーション", "visiting_nursing", "柏市柏1-1",
                              kCity, "千葉県訪問看護ステーション協議会", kCity, "2021-11-01"})
                  .code,
              0);
  }

  Outcome org_add(const OrgSpec& spec) {
    std::ostringstream out, err;
    const int code = server::org_add(config_, spec, out, err);
    return {code, out.str(), err.str()};
  }

  Outcome add(const std::string& login, const std::string& name, const std::string& password_line,
              const std::string& role = "member", const std::string& org = kStation,
              const std::string& profession = "nurse") {
    std::istringstream in(password_line);
    std::ostringstream out, err;
    const int code = user_add(config_, {login, name, org, profession, role}, in, out, err);
    return {code, out.str(), err.str()};
  }

  Outcome add_admin(const std::string& login, const std::string& name) {
    return add(login, name, "password1\n", "city_admin", kOffice, "city_staff");
  }

  Outcome list(bool as_json) {
    std::ostringstream out, err;
    const int code = user_list(config_, as_json, out, err);
    return {code, out.str(), err.str()};
  }

  Outcome set_disabled(const std::string& login, bool disabled) {
    std::ostringstream out, err;
    const int code = user_set_disabled(config_, login, disabled, out, err);
    return {code, out.str(), err.str()};
  }

  Outcome passwd(const std::string& login, const std::string& password_line) {
    std::istringstream in(password_line);
    std::ostringstream out, err;
    const int code = user_passwd(config_, login, in, out, err);
    return {code, out.str(), err.str()};
  }

  Outcome retire(const std::string& code, const std::string& on = "") {
    std::ostringstream out, err;
    const int rc = org_retire(config_, code, on, out, err);
    return {rc, out.str(), err.str()};
  }

  std::optional<storage::User> user(const std::string& login) {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    return storage::find_user_by_login(db, login);
  }

  std::optional<storage::Organization> org(const std::string& code) {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    return storage::find_organization(db, code);
  }

  // The audit log of user administration as "action detail" lines.
  std::vector<std::string> audit(const std::string& prefix = "user.") {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    auto& st = db.prepare("SELECT action, detail FROM audit ORDER BY id");
    std::vector<std::string> lines;
    while (st.step()) {
      if (st.text(0).starts_with(prefix)) lines.push_back(st.text(0) + " " + st.text(1));
    }
    return lines;
  }

  bool password_matches(const std::string& login, const std::string& password) {
    const auto u = user(login);
    return u && PasswordHasher(1, 1024).verify(u->password_hash, password);
  }

  // A session of `login` whose token hash starts with `tag`.
  std::array<unsigned char, 32> session_of(const std::string& login, unsigned char tag) {
    std::array<unsigned char, 32> hash{tag};
    storage::Database db(config_.database_path(), storage::OpenMode::read_write);
    storage::insert_session(db, user(login)->id, hash, "phone", 1, 1'000'000'000'000'000);
    return hash;
  }

  bool revoked(const std::array<unsigned char, 32>& hash) {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    return storage::find_session_by_token_hash(db, hash)->revoked;
  }

  musubi::testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(AdminCommands, AddCreatesTheUserInItsOrganization) {
  add_orgs();
  const auto r = add("tanaka", "田中 看護師", "password1\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added user tanaka to kashiwa-vn as member\n");
  EXPECT_EQ(r.err, "");
  const auto u = user("tanaka");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->name, "田中 看護師");
  EXPECT_EQ(u->org_code, kStation);
  EXPECT_EQ(u->profession, "nurse");
  EXPECT_EQ(u->role, "member");
  EXPECT_FALSE(u->disabled);
  EXPECT_FALSE(u->confirmed_on);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
  EXPECT_FALSE(password_matches("tanaka", "password2"));
  EXPECT_EQ(
      audit(),
      (std::vector<std::string>{"user.add user=tanaka org=kashiwa-vn role=member by=console"}));
}

TEST_F(AdminCommands, DataDirectoryCreatedByACommandIsPrivate) {
  // Regression (fixed): a command run before the first server start created the data directory
  // with the process umask (0755 under the usual 022); it must be 0700 like the server makes it.
  add_orgs();
  struct stat st {};
  ASSERT_EQ(::stat(config_.data_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << std::oct << (st.st_mode & 07777);
}

TEST_F(AdminCommands, AddAdministratorIntoTheCityOffice) {
  add_orgs();
  const auto r = add_admin("boss", "Boss");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added user boss to city-office as city_admin\n");
  EXPECT_EQ(user("boss")->role, "city_admin");
  EXPECT_EQ(
      audit(),
      (std::vector<std::string>{"user.add user=boss org=city-office role=city_admin by=console"}));
}

TEST_F(AdminCommands, CityAdministratorsBelongToTheCityOfficeOnly) {
  add_orgs();
  const auto r = add("boss", "Boss", "password1\n", "city_admin", kStation, "nurse");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "musubid: city administrators belong to the city's own office (forbidden)\n");
  EXPECT_FALSE(user("boss"));
}

TEST_F(AdminCommands, AddNeedsARegisteredActiveOrganization) {
  add_orgs();
  auto r = add("tanaka", "T", "password1\n", "member", "nowhere");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "musubid: no organization \"nowhere\"\n");
  ASSERT_EQ(retire(kStation).code, 0);
  r = add("tanaka", "T", "password1\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "musubid: the organization is retired from the network (organization_inactive)\n");
  EXPECT_FALSE(user("tanaka"));
}

TEST_F(AdminCommands, UnknownProfessionOrRole) {
  add_orgs();
  auto r = add("tanaka", "T", "password1\n", "member", kStation, "wizard");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown profession \"wizard\""), std::string::npos) << r.err;
  r = add("tanaka", "T", "password1\n", "boss");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown role \"boss\""), std::string::npos) << r.err;
}

TEST_F(AdminCommands, PasswordLineEndingIsNotPartOfThePassword) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\r\n").code, 0);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
  EXPECT_FALSE(password_matches("tanaka", "password1\r"));
}

TEST_F(AdminCommands, PasswordWithoutTrailingNewline) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1").code, 0);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
}

TEST_F(AdminCommands, OnlyTheFirstLineIsThePassword) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\nsecond line\n").code, 0);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
}

TEST_F(AdminCommands, ShortPasswordIsRefused) {
  add_orgs();
  const auto r = add("tanaka", "T", "seven77\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "musubid: the password must have at least 8 characters\n");
  EXPECT_FALSE(user("tanaka"));
}

TEST_F(AdminCommands, EmptyPasswordIsRefused) {
  add_orgs();
  EXPECT_EQ(add("tanaka", "T", "\n").code, 2);
  EXPECT_EQ(add("tanaka", "T", "").code, 2);
}

TEST_F(AdminCommands, PasswordLengthCountsCharactersNotBytes) {
  add_orgs();
  // Seven Japanese characters are 21 bytes but still too short; eight are enough.
  EXPECT_EQ(add("tanaka", "T", "あいうえおかき\n").code, 2);
  const auto r = add("tanaka", "T", "あいうえおかきく\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(password_matches("tanaka", "あいうえおかきく"));
}

TEST_F(AdminCommands, InvalidLoginIsRefusedBeforeAnythingElse) {
  const auto r = add("Tanaka", "T", "password1\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, kLoginRule);
  EXPECT_FALSE(std::filesystem::exists(config_.data_dir));
}

TEST_F(AdminCommands, NameMustHave1To100Characters) {
  add_orgs();
  EXPECT_EQ(add("a", "", "password1\n").err,
            "musubid: --name must be 1-100 characters of UTF-8 text without control characters\n");
  EXPECT_EQ(add("a", "", "password1\n").code, 2);
  std::string long_name;
  for (int i = 0; i < 101; ++i)
    long_name += "看";
  EXPECT_EQ(add("a", long_name, "password1\n").code, 2);
  long_name.resize(long_name.size() - 3);  // 100 characters, 300 bytes
  const auto r = add("a", long_name, "password1\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(user("a")->name, long_name);
}

TEST_F(AdminCommands, NamesWithControlCharactersOrInvalidUtf8AreRefused) {
  add_orgs();
  EXPECT_EQ(add("a", "tab\there", "password1\n").code, 2);
  EXPECT_EQ(add("b", "new\nline", "password1\n").code, 2);
  EXPECT_EQ(add("c", "田中\x7F", "password1\n").code, 2);
  EXPECT_EQ(add("d", "bad \xff name", "password1\n").code, 2);
  EXPECT_EQ(add("e", "田中 看護師", "password1\n").code, 0);
}

TEST_F(AdminCommands, DuplicateLoginIsRefusedAndKeepsTheFirst) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "First", "password1\n").code, 0);
  const auto r = add("tanaka", "Second", "password2\n", "org_contact");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "musubid: login \"tanaka\" is already taken\n");
  EXPECT_EQ(user("tanaka")->name, "First");
  EXPECT_EQ(user("tanaka")->role, "member");
  EXPECT_TRUE(password_matches("tanaka", "password1"));
  EXPECT_EQ(audit().size(), 1u);
}

TEST_F(AdminCommands, ListOnAnEmptyDatabaseIsEmpty) {
  const auto r = list(false);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(list(true).out, "");
}

TEST_F(AdminCommands, ListAsTextIsSortedByLogin) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "田中", "password1\n").code, 0);
  ASSERT_EQ(add_admin("abe", "阿部").code, 0);
  ASSERT_EQ(set_disabled("tanaka", true).code, 0);
  const auto r = list(false);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out,
            "abe\t阿部\tcity-office\tcity_staff\tcity_admin\tactive\n"
            "tanaka\t田中\tkashiwa-vn\tnurse\tmember\tdisabled\n");
}

TEST_F(AdminCommands, ListAsJsonLines) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "田中", "password1\n").code, 0);
  ASSERT_EQ(add_admin("abe", "阿部").code, 0);
  const auto r = list(true);
  EXPECT_EQ(r.code, 0);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<json> users;
  while (std::getline(lines, line))
    users.push_back(json::parse(line));
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]["login"], "abe");
  EXPECT_EQ(users[0]["name"], "阿部");
  EXPECT_EQ(users[0]["role"], "city_admin");
  EXPECT_EQ(users[0]["org"], (json{{"code", kOffice}, {"name", "柏市役所"}}));
  EXPECT_EQ(users[0]["disabled"], false);
  EXPECT_EQ(users[1]["login"], "tanaka");
  EXPECT_EQ(users[1]["role"], "member");
  EXPECT_EQ(users[1]["profession"], "nurse");
  EXPECT_EQ(users[1]["confirmed_on"], nullptr);
  const auto created = users[1]["created"].get<std::string>();
  const auto ms = protocol::parse_timestamp(created);
  ASSERT_TRUE(ms.has_value()) << created;
  EXPECT_EQ(protocol::format_timestamp(*ms), created);
}

TEST_F(AdminCommands, DisableAndEnable) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  auto r = set_disabled("tanaka", true);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "disabled tanaka\n");
  EXPECT_TRUE(user("tanaka")->disabled);

  r = set_disabled("tanaka", false);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "enabled tanaka\n");
  EXPECT_FALSE(user("tanaka")->disabled);

  EXPECT_EQ(audit(),
            (std::vector<std::string>{"user.add user=tanaka org=kashiwa-vn role=member by=console",
                                      "user.disable user=tanaka by=console",
                                      "user.enable user=tanaka by=console"}));
}

TEST_F(AdminCommands, DisableRevokesSessions) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const auto hash = session_of("tanaka", 7);
  ASSERT_EQ(set_disabled("tanaka", true).code, 0);
  EXPECT_TRUE(revoked(hash));
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  const auto revocations = storage::revocations_after(db, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].reason, "disabled");
}

TEST_F(AdminCommands, RevokeSessionsSignsEveryDeviceOutAndKeepsTheAccount) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  ASSERT_EQ(add("sato", "S", "password1\n").code, 0);
  const auto phone = session_of("tanaka", 1);
  const auto pc = session_of("tanaka", 2);
  const auto other = session_of("sato", 3);
  std::ostringstream out, err;
  EXPECT_EQ(user_revoke_sessions(config_, "tanaka", out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "revoked 2 sessions of tanaka\n");
  EXPECT_TRUE(revoked(phone));
  EXPECT_TRUE(revoked(pc));
  EXPECT_FALSE(revoked(other));
  EXPECT_FALSE(user("tanaka")->disabled);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
  EXPECT_EQ(audit("user.revoke_sessions"),
            (std::vector<std::string>{"user.revoke_sessions user=tanaka sessions=2 by=console"}));
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  const auto revocations = storage::revocations_after(db, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].session_id, std::nullopt);
  EXPECT_EQ(revocations[0].reason, "revoked");

  std::ostringstream out2, err2;
  EXPECT_EQ(user_revoke_sessions(config_, "ghost", out2, err2), 1);
  EXPECT_EQ(err2.str(), "musubid: no user \"ghost\"\n");
}

TEST_F(AdminCommands, DisableUnknownUser) {
  add_orgs();
  const auto r = set_disabled("ghost", true);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "musubid: no user \"ghost\"\n");
  EXPECT_TRUE(audit().empty());
}

TEST_F(AdminCommands, PasswdChangesThePasswordAndSignsOutEverySession) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const auto hash = session_of("tanaka", 1);
  const auto r = passwd("tanaka", "new password\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "password changed for tanaka; their sessions are signed out\n");
  EXPECT_TRUE(password_matches("tanaka", "new password"));
  EXPECT_FALSE(password_matches("tanaka", "password1"));
  EXPECT_EQ(audit().back(), "user.passwd user=tanaka by=console");
  EXPECT_TRUE(revoked(hash));
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  const auto revocations = storage::revocations_after(db, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_FALSE(revocations[0].session_id);
  EXPECT_EQ(revocations[0].reason, "revoked");
}

TEST_F(AdminCommands, PasswdRefusesShortPasswords) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const auto r = passwd("tanaka", "short\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "musubid: the password must have at least 8 characters\n");
  EXPECT_TRUE(password_matches("tanaka", "password1"));
}

TEST_F(AdminCommands, PasswdOfUnknownUser) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const auto r = passwd("ghost", "password2\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "musubid: no user \"ghost\"\n");
  EXPECT_EQ(audit().size(), 1u);
}

// --- organizations ---

TEST_F(AdminCommands, OrgAddRegistersUnderTheMembershipRule) {
  add_orgs();
  const auto o = org(kStation);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->name, "柏訪問看護ステーション");
  EXPECT_EQ(o->type, "visiting_nursing");
  EXPECT_EQ(o->association, "千葉県訪問看護ステーション協議会");
  EXPECT_EQ(o->registered_on, "2021-11-01");
  EXPECT_FALSE(o->retired_on);
  EXPECT_EQ(org(kOffice)->registered_on, local_date(now_ms()));
  EXPECT_EQ(audit("org."), (std::vector<std::string>{"org.register org=city-office by=console",
                                                     "org.register org=kashiwa-vn by=console"}));
}

TEST_F(AdminCommands, OrgAddRefusals) {
  // No professional association.
  auto r = org_add({"c1", "診療所", "clinic", "", kCity, "", "", ""});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("(association_required)"), std::string::npos) << r.err;
  // Outside the city, through an association that is not of its own location.
  r = org_add({"c2", "松戸の診療所", "clinic", "", "松戸市", "柏市医師会", kCity, ""});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("(association_not_local)"), std::string::npos) << r.err;
  // Outside the city through its own location's association (relaxed rule ②): admitted.
  r = org_add({"c3", "松戸の診療所", "clinic", "", "松戸市", "松戸市医師会", "松戸市", ""});
  EXPECT_EQ(r.code, 0) << r.err;
  // Another city's office.
  r = org_add({"c4", "松戸市役所", "municipal_office", "", "松戸市", "", "", ""});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("(not_in_city)"), std::string::npos) << r.err;
  // Vocabulary, code and date.
  EXPECT_EQ(org_add({"c5", "X", "castle", "", kCity, "A", kCity, ""}).code, 2);
  EXPECT_EQ(org_add({"C6", "X", "clinic", "", kCity, "A", kCity, ""}).code, 2);
  EXPECT_EQ(org_add({"c7", "X", "clinic", "", kCity, "A", kCity, "2021-02-30"}).code, 2);
  // Taken code.
  r = org_add({"c3", "again", "clinic", "", kCity, "A", kCity, ""});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "musubid: organization code \"c3\" is already taken\n");
}

TEST_F(AdminCommands, OrgRetireSignsOutEveryUserOfTheOrganization) {
  add_orgs();
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  ASSERT_EQ(add("sato", "S", "password1\n").code, 0);
  ASSERT_EQ(add_admin("boss", "B").code, 0);
  const auto tanaka = session_of("tanaka", 1);
  const auto boss = session_of("boss", 2);
  const auto r = retire(kStation, "2027-03-31");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "retired kashiwa-vn on 2027-03-31; its 2 users are signed out and can no longer sign "
            "in\n");
  EXPECT_EQ(org(kStation)->retired_on, "2027-03-31");
  EXPECT_FALSE(user("tanaka")->org_active);
  EXPECT_TRUE(revoked(tanaka));
  EXPECT_FALSE(revoked(boss));
  EXPECT_EQ(
      audit("org.retire"),
      (std::vector<std::string>{"org.retire org=kashiwa-vn on=2027-03-31 users=2 by=console"}));
}

TEST_F(AdminCommands, OrgRetireRefusals) {
  add_orgs();
  auto r = retire("ghost");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "musubid: no organization \"ghost\"\n");
  r = retire(kOffice);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "musubid: the city's own office runs the network and cannot be retired\n");
  r = retire(kStation, "31/03/2027");
  EXPECT_EQ(r.code, 2);
  ASSERT_EQ(retire(kStation).code, 0);
  EXPECT_EQ(org(kStation)->retired_on, local_date(now_ms()));
  r = retire(kStation);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("already retired"), std::string::npos) << r.err;
}

TEST(MinPasswordLength, IsEight) {
  EXPECT_EQ(kMinPasswordLength, 8u);
}

}  // namespace
}  // namespace musubi::server
