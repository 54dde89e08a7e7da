#include "server/admin_commands.hpp"

#include <sstream>
#include <string>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/timestamp.hpp"
#include "server/password_hasher.hpp"
#include "storage/database.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

using nlohmann::json;

constexpr const char* kLoginRule =
    "musubid: a login is 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or "
    "digit\n";

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

  Outcome add(const std::string& login, const std::string& name, const std::string& password_line,
              bool admin = false) {
    std::istringstream in(password_line);
    std::ostringstream out, err;
    const int code = user_add(config_, login, name, admin, in, out, err);
    return {code, out.str(), err.str()};
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

  std::optional<storage::User> user(const std::string& login) {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    return storage::find_user_by_login(db, login);
  }

  // The audit log as "action detail" lines.
  std::vector<std::string> audit() {
    storage::Database db(config_.database_path(), storage::OpenMode::read_only);
    auto& st = db.prepare("SELECT action, detail FROM audit ORDER BY id");
    std::vector<std::string> lines;
    while (st.step())
      lines.push_back(st.text(0) + " " + st.text(1));
    return lines;
  }

  bool password_matches(const std::string& login, const std::string& password) {
    const auto u = user(login);
    return u && PasswordHasher(1, 1024).verify(u->password_hash, password);
  }

  musubi::testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(AdminCommands, AddCreatesTheDataDirectoryAndTheUser) {
  const auto r = add("tanaka", "田中 看護師", "password1\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added user tanaka\n");
  EXPECT_EQ(r.err, "");
  ASSERT_TRUE(std::filesystem::exists(config_.database_path()));
  const auto u = user("tanaka");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->name, "田中 看護師");
  EXPECT_FALSE(u->is_admin);
  EXPECT_FALSE(u->disabled);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
  EXPECT_FALSE(password_matches("tanaka", "password2"));
  EXPECT_EQ(audit(), (std::vector<std::string>{"user.add user=tanaka by=console"}));
}

TEST_F(AdminCommands, DataDirectoryCreatedByACommandIsPrivate) {
  // Regression (fixed): server/admin_commands.cpp:24 creates the data directory with
  // create_directories() and the process umask (0755 under the usual 022), unlike
  // prepare_data_directory(), which promises mode 0700. When `musubid user add` runs before the
  // first server start, the directory and the database in it (password hashes, every room's
  // messages) stay readable by every local user, because prepare_data_directory() leaves an
  // existing directory's mode alone.
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  struct stat st {};
  ASSERT_EQ(::stat(config_.data_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << std::oct << (st.st_mode & 07777);
}

TEST_F(AdminCommands, AddAdministrator) {
  const auto r = add("boss", "Boss", "password1\n", true);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added user boss (administrator)\n");
  EXPECT_TRUE(user("boss")->is_admin);
  EXPECT_EQ(audit(), (std::vector<std::string>{"user.add user=boss by=console admin"}));
}

TEST_F(AdminCommands, PasswordLineEndingIsNotPartOfThePassword) {
  ASSERT_EQ(add("tanaka", "T", "password1\r\n").code, 0);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
  EXPECT_FALSE(password_matches("tanaka", "password1\r"));
}

TEST_F(AdminCommands, PasswordWithoutTrailingNewline) {
  ASSERT_EQ(add("tanaka", "T", "password1").code, 0);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
}

TEST_F(AdminCommands, OnlyTheFirstLineIsThePassword) {
  ASSERT_EQ(add("tanaka", "T", "password1\nsecond line\n").code, 0);
  EXPECT_TRUE(password_matches("tanaka", "password1"));
}

TEST_F(AdminCommands, ShortPasswordIsRefused) {
  const auto r = add("tanaka", "T", "seven77\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "musubid: the password must have at least 8 characters\n");
  EXPECT_FALSE(std::filesystem::exists(config_.database_path()));
}

TEST_F(AdminCommands, EmptyPasswordIsRefused) {
  EXPECT_EQ(add("tanaka", "T", "\n").code, 2);
  EXPECT_EQ(add("tanaka", "T", "").code, 2);
}

TEST_F(AdminCommands, PasswordLengthCountsCharactersNotBytes) {
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

TEST_F(AdminCommands, DuplicateLoginIsRefusedAndKeepsTheFirst) {
  ASSERT_EQ(add("tanaka", "First", "password1\n").code, 0);
  const auto r = add("tanaka", "Second", "password2\n", true);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "musubid: login \"tanaka\" is already taken\n");
  EXPECT_EQ(user("tanaka")->name, "First");
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
  ASSERT_EQ(add("tanaka", "田中", "password1\n").code, 0);
  ASSERT_EQ(add("abe", "阿部", "password1\n", true).code, 0);
  ASSERT_EQ(set_disabled("tanaka", true).code, 0);
  const auto r = list(false);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "abe\t阿部\tadmin\tactive\ntanaka\t田中\t-\tdisabled\n");
}

TEST_F(AdminCommands, ListAsJsonLines) {
  ASSERT_EQ(add("tanaka", "田中", "password1\n").code, 0);
  ASSERT_EQ(add("abe", "阿部", "password1\n", true).code, 0);
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
  EXPECT_EQ(users[0]["admin"], true);
  EXPECT_EQ(users[0]["disabled"], false);
  EXPECT_EQ(users[1]["login"], "tanaka");
  EXPECT_EQ(users[1]["admin"], false);
  const auto created = users[1]["created"].get<std::string>();
  const auto ms = protocol::parse_timestamp(created);
  ASSERT_TRUE(ms.has_value()) << created;
  EXPECT_EQ(protocol::format_timestamp(*ms), created);
  EXPECT_EQ(users[1].size(), 5u);
}

TEST_F(AdminCommands, ListWithInvalidUtf8NameDoesNotThrow) {
  // Regression (fixed): user_add (server/admin_commands.cpp:83-84) checks the name's length with
  // utf8_length but not that it is valid UTF-8, and user_list (server/admin_commands.cpp:109-114)
  // dumps JSON with the throwing default error handler: after `musubid user add --name $'\xff'`,
  // every `musubid user list --json` dies with nlohmann::type_error 316. Either the name should be
  // refused (exit 2) or the listing should replace the bad bytes.
  const auto added = add("tanaka", "bad \xff name", "password1\n");
  if (added.code == 2) return;  // refused at the door: fine
  ASSERT_EQ(added.code, 0) << added.err;
  Outcome r{};
  EXPECT_NO_THROW(r = list(true));
  EXPECT_EQ(r.code, 0);
}

TEST_F(AdminCommands, DisableAndEnable) {
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  auto r = set_disabled("tanaka", true);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "disabled tanaka\n");
  EXPECT_TRUE(user("tanaka")->disabled);

  r = set_disabled("tanaka", false);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "enabled tanaka\n");
  EXPECT_FALSE(user("tanaka")->disabled);

  EXPECT_EQ(audit(), (std::vector<std::string>{"user.add user=tanaka by=console",
                                               "user.disable user=tanaka by=console",
                                               "user.enable user=tanaka by=console"}));
}

TEST_F(AdminCommands, DisableRevokesSessions) {
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const unsigned char hash[32] = {7};
  {
    storage::Database db(config_.database_path(), storage::OpenMode::read_write);
    storage::insert_session(db, user("tanaka")->id, hash, "phone", 1, 2);
  }
  ASSERT_EQ(set_disabled("tanaka", true).code, 0);
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  EXPECT_TRUE(storage::find_session_by_token_hash(db, hash)->revoked);
  const auto revocations = storage::revocations_after(db, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].reason, "disabled");
}

TEST_F(AdminCommands, DisableUnknownUser) {
  const auto r = set_disabled("ghost", true);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "musubid: no user \"ghost\"\n");
  EXPECT_TRUE(audit().empty());
}

TEST_F(AdminCommands, PasswdChangesThePassword) {
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const auto r = passwd("tanaka", "new password\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "password changed for tanaka; their sessions are signed out\n");
  EXPECT_TRUE(password_matches("tanaka", "new password"));
  EXPECT_FALSE(password_matches("tanaka", "password1"));
  EXPECT_EQ(audit().back(), "user.passwd user=tanaka by=console");
}

TEST_F(AdminCommands, PasswdRefusesShortPasswords) {
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const auto r = passwd("tanaka", "short\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "musubid: the password must have at least 8 characters\n");
  EXPECT_TRUE(password_matches("tanaka", "password1"));
}

TEST_F(AdminCommands, PasswdOfUnknownUser) {
  ASSERT_EQ(add("tanaka", "T", "password1\n").code, 0);
  const auto r = passwd("ghost", "password2\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "musubid: no user \"ghost\"\n");
  EXPECT_EQ(audit().size(), 1u);
}

TEST(MinPasswordLength, IsEight) {
  EXPECT_EQ(kMinPasswordLength, 8u);
}

}  // namespace
}  // namespace musubi::server

namespace musubi::server {
namespace {

class AdminCommandsMore : public ::testing::Test {
 protected:
  AdminCommandsMore() {
    config_.data_dir = dir_.path() / "var";
    config_.security.argon2_ops = 1;
    config_.security.argon2_memory_kib = 1024;
  }
  int add(const std::string& login, const std::string& name) {
    std::istringstream in("password1\n");
    std::ostringstream out, err;
    return user_add(config_, login, name, false, in, out, err);
  }
  musubi::testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(AdminCommandsMore, NamesWithControlCharactersAreRefused) {
  EXPECT_EQ(add("a", "tab\there"), 2);
  EXPECT_EQ(add("b", "new\nline"), 2);
  EXPECT_EQ(add("c", "田中\x7F"), 2);
  EXPECT_EQ(add("d", "田中 看護師"), 0);
}

TEST_F(AdminCommandsMore, PasswdSignsOutEveryExistingSession) {
  ASSERT_EQ(add("tanaka", "T"), 0);
  const unsigned char hash[32] = {1};
  {
    storage::Database db(config_.database_path(), storage::OpenMode::read_write);
    const auto id = storage::find_user_by_login(db, "tanaka")->id;
    storage::insert_session(db, id, hash, "phone", 1, 1'000'000'000'000'000);
  }
  std::istringstream in("a new password\n");
  std::ostringstream out, err;
  ASSERT_EQ(user_passwd(config_, "tanaka", in, out, err), 0) << err.str();
  storage::Database db(config_.database_path(), storage::OpenMode::read_only);
  EXPECT_TRUE(storage::find_session_by_token_hash(db, hash)->revoked);
  const auto revocations = storage::revocations_after(db, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_FALSE(revocations[0].session_id);
  EXPECT_EQ(revocations[0].reason, "revoked");
}

TEST_F(AdminCommandsMore, DataDirectoryMadeByACommandIsPrivate) {
  ASSERT_EQ(add("tanaka", "T"), 0);
  struct stat st {};
  ASSERT_EQ(::stat(config_.data_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace musubi::server
