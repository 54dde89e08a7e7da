// musubi history and post: order, --limit/--before (across pages of the server's maximum),
// formats, Japanese and hostile text.
#include <gtest/gtest.h>

#include "clients/client/client_connection.hpp"
#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

class History : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    sato_ = std::make_unique<CliUser>(signed_in_user("sato", "佐藤 花子"));
    room_ = open_room(*sato_, "佐藤 一郎");
  }

  std::vector<std::int64_t> seqs(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"history", room_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::int64_t> out;
    for (const auto& e : json_lines(sato_->ok(args)))
      out.push_back(e["seq"]);
    return out;
  }

  std::unique_ptr<CliUser> sato_;
  std::string room_;
};

TEST_F(History, LimitAndBeforeSelectTheNewestEventsPrintedOldestFirst) {
  for (int i = 0; i < 5; ++i)
    sato_->ok({"post", room_, "note " + std::to_string(i)});
  EXPECT_EQ(seqs({}), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(seqs({"--limit", "2"}), (std::vector<std::int64_t>{5, 6}));
  EXPECT_EQ(seqs({"--before", "4"}), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(seqs({"--before", "4", "--limit", "2"}), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(seqs({"--before", "1"}), (std::vector<std::int64_t>{}));
}

TEST_F(History, LimitsBeyondOnePageAreFetchedPageByPage) {
  // 250 posts straight over the protocol: quicker than 250 processes.
  client::ConnectOptions options;
  options.url.host = "127.0.0.1";
  options.url.port = std::to_string(server().port());
  options.tls.ca_file = server().cert_file().string();
  auto c = client::ClientConnection::connect(options);
  ASSERT_TRUE(c->request("session.sign_in",
                         {{"login", "sato"}, {"password", kUserPassword}, {"device", "test"}})
                  .ok);
  for (int i = 0; i < 250; ++i) {
    const auto reply = c->request("room.post", {{"room", room_}, {"text", std::to_string(i)}});
    ASSERT_TRUE(reply.ok) << reply.error_message;
  }
  const auto all = seqs({"--limit", "1000"});
  ASSERT_EQ(all.size(), 251u);
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i], static_cast<std::int64_t>(i + 1));
  const auto some = seqs({"--limit", "230", "--before", "240"});
  ASSERT_EQ(some.size(), 230u);
  EXPECT_EQ(some.front(), 10);
  EXPECT_EQ(some.back(), 239);
}

TEST_F(History, JapaneseMultiLineTextFromStdinSurvivesBothFormats) {
  const std::string note = "訪問看護記録\n血圧 128/76、脈拍 72\n食事は半分 🍚";
  EXPECT_EQ(sato_->ok({"post", room_, "-"}, note + "\n"), "2\n");
  const auto events = json_lines(sato_->ok({"history", room_, "--json", "--limit", "1"}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["text"], note);
  EXPECT_EQ(events[0]["author"], "sato");
  EXPECT_EQ(events[0]["author_name"], "佐藤 花子");
  EXPECT_EQ(events[0]["type"], "message");
  EXPECT_EQ(events[0]["room"], room_);

  const auto human = sato_->ok({"history", room_, "--limit", "1"});
  EXPECT_NE(human.find(" 佐藤 花子: 訪問看護記録\n    血圧 128/76、脈拍 72\n    食事は半分 🍚\n"),
            std::string::npos)
      << human;
  EXPECT_EQ(human.rfind("#2 ", 0), 0u) << human;
}

TEST_F(History, ControlCharactersCannotReachTheTerminal) {
  sato_->ok({"post", room_, "\x1b]0;owned\x07\x1b[2J red\xc2\x9b"});
  const auto human = sato_->ok({"history", room_, "--limit", "1"});
  EXPECT_EQ(human.find('\x1b'), std::string::npos) << human;
  EXPECT_EQ(human.find('\x07'), std::string::npos) << human;
  EXPECT_NE(human.find("red"), std::string::npos) << human;
  // JSON keeps the text exactly (escaped).
  const auto events = json_lines(sato_->ok({"history", room_, "--json", "--limit", "1"}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["text"], "\x1b]0;owned\x07\x1b[2J red\xc2\x9b");
}

TEST_F(History, PostRefusesTextThatIsNotUtf8) {
  const auto r = sato_->run({"post", room_, "\x93\xfa\x96\x7b"});  // Shift_JIS, not UTF-8
  EXPECT_EQ(r.exit_code(), 2) << r.describe();
  EXPECT_NE(r.err.find("not valid UTF-8"), std::string::npos) << r.err;
}

TEST_F(History, RoomsListsTitleRoleLastSeqAndMembers) {
  sato_->ok({"post", room_, "一"});
  EXPECT_EQ(sato_->ok({"rooms"}), room_ + "\t佐藤 一郎 様\tadmin\t2\t1\topen\t0 unread\n");
  const auto rooms = json_lines(sato_->ok({"rooms", "--json"}));
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0]["room"], room_);
  EXPECT_EQ(rooms[0]["title"], "佐藤 一郎 様");
  EXPECT_EQ(rooms[0]["role"], "admin");
  EXPECT_EQ(rooms[0]["last_seq"], 2);
  EXPECT_EQ(rooms[0]["members"], 1);
  EXPECT_EQ(rooms[0]["closed"], false);
}

}  // namespace
}  // namespace musubi::testing
