// The story from the issues, end to end with the real binaries: in a city (柏市) with a
// visiting-nursing station and a clinic, a nurse registers a patient, records their consent and
// asks for a room naming the attending physician, who accepts; a colleague follows the room
// live, misses some of it, catches up from history; outsiders learn nothing; everything survives
// a restart.
#include <gtest/gtest.h>

#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

using CareStory = CliTest;

TEST_F(CareStory, RequestAcceptedThenPostTailHistoryRestartAndLogout) {
  // The city's organizations are registered (the fixture); their people are added.
  server().add_user("sato", "佐藤 花子", kUserPassword, kStation, "nurse");
  server().add_user("tanaka", "田中 健", kUserPassword, kStation, "nurse");
  server().add_user("suzuki", "鈴木 次郎", kUserPassword, kStation, "nurse");
  const CliUser sato = user("sato");
  const CliUser tanaka = user("tanaka");
  const CliUser suzuki = user("suzuki");
  sato.login(server(), "sato", kUserPassword);
  tanaka.login(server(), "tanaka", kUserPassword);
  suzuki.login(server(), "suzuki", kUserPassword);
  const CliUser& doctor = physician();  // dr.yamamoto of the clinic

  // sato registers the patient, a resident of the city, and records their consent.
  const auto registered = sato.run({"patient", "register", "--name", "佐藤 一郎", "--kana",
                                    "サトウ イチロウ", "--birth-date", "1941-02-03", "--sex",
                                    "male", "--municipality", "柏市", "--address", "柏6-7-8"});
  ASSERT_EQ(registered.exit_code(), 0) << registered.describe();
  const std::string patient = trim(registered.out);
  ASSERT_FALSE(patient.empty());
  EXPECT_EQ(patient.find_first_of(" \t\n"), std::string::npos)
      << "the id alone: " << registered.out;
  EXPECT_EQ(sato.ok({"patient", "consent", patient, "--date", "2026-11-20", "--obtained-by",
                     "佐藤 花子", "--note", "ご本人と長男に説明"}),
            "consent recorded for 佐藤 一郎 (" + patient +
                "): 2026-11-20, obtained by 佐藤 花子 (ご本人と長男に説明)\n");

  // sato asks for the room, naming the physician, with tanaka on the team.
  const auto filed = sato.run({"request", "file", patient, "--physician", kPhysician, "--team",
                               "tanaka", "--note", "退院後の在宅療養"});
  ASSERT_EQ(filed.exit_code(), 0) << filed.describe();
  const std::string request = trim(filed.out);
  ASSERT_FALSE(request.empty());
  EXPECT_EQ(request.find_first_of(" \t\n"), std::string::npos) << "the id alone: " << filed.out;

  // The physician finds it among their requests and accepts: the room opens.
  EXPECT_EQ(doctor.ok({"request", "list"}), request + "\t佐藤 一郎\tawaiting_physician\tsato\t" +
                                                std::string(kPhysician) + "\t-\n");
  const auto accepted = doctor.run({"request", "accept", request});
  ASSERT_EQ(accepted.exit_code(), 0) << accepted.describe();
  const std::string room = trim(accepted.out);
  ASSERT_FALSE(room.empty());
  EXPECT_EQ(room.find_first_of(" \t\n"), std::string::npos) << "the id alone: " << accepted.out;
  const auto shown = json_lines(sato.ok({"request", "show", request, "--json"}));
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0]["state"], "open");
  EXPECT_EQ(shown[0]["room"], room);
  // Opened (seq 1), tanaka added (2), the physician added (3).
  EXPECT_EQ(tanaka.ok({"rooms"}), room + "\t佐藤 一郎 様\tmember\t3\t3\topen\t3 unread\n");
  const auto info = sato.ok({"room", "info", room});
  EXPECT_NE(info.find("physician  takes part\n"), std::string::npos) << info;
  EXPECT_NE(info.find("stand-in   -\n"), std::string::npos) << info;

  // tanaka follows the room; sato's note arrives live.
  auto tail = tanaka.start({"tail", room, "--json"});
  ASSERT_TRUE(tail->wait_for_stderr("following " + room, kEventTimeout)) << tail->stderr_text();
  const std::string first_note = "血圧 128/76、食事は半分";
  EXPECT_EQ(sato.ok({"post", room, first_note}), "4\n");
  const auto live = tail->read_line(kEventTimeout);
  ASSERT_TRUE(live.has_value()) << tail->stderr_text();
  const auto event = nlohmann::json::parse(*live);
  EXPECT_EQ(event["seq"], 4);
  EXPECT_EQ(event["author"], "sato");
  EXPECT_EQ(event["text"], first_note);
  EXPECT_EQ(event["type"], "message");
  EXPECT_EQ(event["room"], room);

  // tanaka's tail dies; sato goes on writing.
  tail->kill_and_reap();
  EXPECT_EQ(sato.ok({"post", room, "午後 体温 36.8℃"}), "5\n");
  EXPECT_EQ(sato.ok({"post", room, "明日 往診 10:00"}), "6\n");

  // tanaka catches up from history: all three notes, in order, consecutive seqs.
  auto messages_in_history = [&] {
    std::vector<nlohmann::json> messages;
    for (auto& e : json_lines(tanaka.ok({"history", room, "--json"}))) {
      if (e["type"] == "message") messages.push_back(e);
    }
    return messages;
  };
  const auto messages = messages_in_history();
  ASSERT_EQ(messages.size(), 3u);
  const std::vector<std::string> texts = {first_note, "午後 体温 36.8℃", "明日 往診 10:00"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i]["seq"], 4 + static_cast<int>(i));
    EXPECT_EQ(messages[i]["author"], "sato");
    EXPECT_EQ(messages[i]["text"], texts[i]);
    EXPECT_TRUE(messages[i]["ts"].is_string());
  }

  // suzuki is not a member: the real room and a made-up one look exactly the same.
  for (const auto& args : std::vector<std::vector<std::string>>{{"history", room},
                                                                {"post", room, "こんにちは"},
                                                                {"room", "members", room},
                                                                {"room", "info", room}}) {
    auto made_up = args;
    made_up[args[0] == "room" ? 2 : 1] = "zzzzzzzzzzzz";
    const auto real = suzuki.run(args);
    const auto fake = suzuki.run(made_up);
    EXPECT_EQ(real.exit_code(), 1) << real.describe();
    EXPECT_EQ(real.err, "musubi: room not found\n");
    EXPECT_EQ(real.exit_code(), fake.exit_code());
    EXPECT_EQ(real.err, fake.err);
    EXPECT_EQ(real.out, fake.out);
  }
  EXPECT_EQ(suzuki.ok({"rooms"}), "");
  // Nor the patient, nor the request.
  const auto hidden = suzuki.run({"patient", "show", patient});
  EXPECT_EQ(hidden.exit_code(), 1) << hidden.describe();
  EXPECT_EQ(hidden.err, "musubi: patient not found\n");
  const auto hidden_request = suzuki.run({"request", "show", request});
  EXPECT_EQ(hidden_request.exit_code(), 1) << hidden_request.describe();
  EXPECT_EQ(hidden_request.err, "musubi: request not found\n");
  EXPECT_EQ(suzuki.ok({"patient", "list"}), "");

  // A restart loses nothing.
  const auto before_restart = tanaka.ok({"history", room, "--json"});
  server().restart();
  EXPECT_EQ(tanaka.ok({"history", room, "--json"}), before_restart);
  EXPECT_EQ(messages_in_history().size(), 3u);

  // tanaka logs out; the CLI then asks to log in.
  EXPECT_EQ(tanaka.ok({"logout"}), "signed out\n");
  const auto after = tanaka.run({"rooms"});
  EXPECT_EQ(after.exit_code(), 1) << after.describe();
  EXPECT_NE(after.err.find("log in"), std::string::npos) << after.err;
}

TEST_F(CareStory, RoomMembersAddAsAdminAndRemove) {
  const auto sato = signed_in_user("sato", "佐藤 花子");
  const auto tanaka = signed_in_user("tanaka", "田中 健");
  const auto room = open_room(sato, "山田 太郎");
  EXPECT_EQ(sato.ok({"room", "add", room, "tanaka", "--admin"}),
            "added tanaka to " + room + " as admin\n");
  EXPECT_EQ(tanaka.ok({"room", "members", room}),
            "sato\t佐藤 花子\tadmin\t看護師\t柏訪問看護ステーション\n"
            "tanaka\t田中 健\tadmin\t看護師\t柏訪問看護ステーション\n");
  const auto members = json_lines(tanaka.ok({"room", "members", room, "--json"}));
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1]["name"], "田中 健");

  const auto again = sato.run({"room", "add", room, "tanaka"});
  EXPECT_EQ(again.exit_code(), 1);
  EXPECT_EQ(again.err, "musubi: tanaka is already a member\n");
  const auto ghost = sato.run({"room", "add", room, "ghost"});
  EXPECT_EQ(ghost.exit_code(), 1);
  EXPECT_EQ(ghost.err, "musubi: user not found\n");

  EXPECT_EQ(tanaka.ok({"room", "remove", room, "sato"}), "removed sato from " + room + "\n");
  const auto gone = sato.run({"history", room});
  EXPECT_EQ(gone.exit_code(), 1);
  EXPECT_EQ(gone.err, "musubi: room not found\n");

  // History tells the membership story readably.
  const auto lines = lines_of(tanaka.ok({"history", room}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(
      lines[0].find(" 佐藤 花子 opened the room \"山田 太郎 様\" without the attending physician"),
      std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(" 佐藤 花子 added 田中 健 (tanaka) as administrator"), std::string::npos)
      << lines[1];
  EXPECT_NE(lines[2].find(" 田中 健 removed 佐藤 花子 (sato)"), std::string::npos) << lines[2];
}

}  // namespace
}  // namespace musubi::testing
