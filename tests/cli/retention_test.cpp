// `musubid retention` as an operator runs it, against a running server: the dry run lists and
// deletes nothing, --apply purges only rooms closed longer ago than the period, and the members
// of a purged room find it gone without the server minding.
#include <chrono>
#include <fstream>

#include <gtest/gtest.h>

#include "server/blob_store.hpp"
#include "storage/database.hpp"
#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

using Retention = CliTest;

// Rooms are closed through the protocol, today; moving the closing day back is the only way
// to age one (the server has no clock to turn).
void set_closed_years_ago(const Musubid& server, const std::string& room, int years) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::int64_t year_ms = 366LL * 24 * 3600 * 1000;
  storage::Database db(server.data_dir() / "musubi.db", storage::OpenMode::read_write);
  db.prepare("UPDATE rooms SET closed_ms = ? WHERE public_id = ?")
      .bind(1, static_cast<std::int64_t>(now - years * year_ms))
      .bind(2, room)
      .run();
  ASSERT_EQ(db.changes(), 1);
}

TEST_F(Retention, DryRunListsApplyPurgesAndKeepsRecentAndOpenRooms) {
  const auto nurse = signed_in_user("sato", "佐藤 花子");
  const auto old_room = open_room(nurse, "佐藤 一郎");
  const auto recent_room = open_room(nurse, "鈴木 次郎");
  const auto still_open = open_room(nurse, "高橋 三郎");
  nurse.ok({"post", old_room, "本日 永眠されました"});
  const auto pdf = dir_.path() / "退院時サマリー.pdf";
  const std::string bytes = "%PDF-1.4\n% retention test\n%%EOF\n";
  std::ofstream(pdf, std::ios::binary) << bytes;
  nurse.ok({"attach", old_room, pdf.string()});
  const auto file = server::BlobStore(server().data_dir() / "attachments")
                        .path_of(server::BlobStore::sha256_hex(bytes));
  ASSERT_TRUE(std::filesystem::exists(file));
  for (const auto& room : {old_room, recent_room}) {
    nurse.ok({"room", "close", room, "--reason", "death"});
  }
  set_closed_years_ago(server(), old_room, 6);
  set_closed_years_ago(server(), recent_room, 4);
  const auto history_before = nurse.ok({"history", old_room});
  // Its opening, the message, the attachment's message, the closing: one JSON line each.
  const auto events =
      std::to_string(ChildProcess::occurrences(nurse.ok({"history", old_room, "--json"}), "\n"));

  // Dry run (the default): the old room is listed, nothing is deleted.
  const auto dry = server().admin({"retention"});
  ASSERT_EQ(dry.exit_code(), 0) << dry.describe();
  EXPECT_NE(dry.out.find("\n" + old_room + "\t"), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find(recent_room), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find(still_open), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("1 room due; 1 closed room still within the period."), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("dry run: nothing was deleted"), std::string::npos) << dry.out;
  EXPECT_EQ(nurse.ok({"history", old_room}), history_before);
  EXPECT_TRUE(std::filesystem::exists(file));

  // --apply: the old room's content and file are gone, the others untouched.
  const auto applied = server().admin({"retention", "--apply"});
  ASSERT_EQ(applied.exit_code(), 0) << applied.describe();
  EXPECT_NE(applied.out.find("purged " + old_room + ": " + events +
                             " events, 1 attachment, 1 file deleted\n"),
            std::string::npos)
      << applied.out;
  EXPECT_NE(applied.out.find("purged 1 room; 1 closed room still within the period\n"),
            std::string::npos)
      << applied.out;
  EXPECT_FALSE(std::filesystem::exists(file));

  // The server carries on: the purged room is simply not the member's any more.
  const auto rooms = nurse.ok({"rooms"});
  EXPECT_EQ(rooms.find(old_room), std::string::npos) << rooms;
  EXPECT_NE(rooms.find(recent_room), std::string::npos) << rooms;
  EXPECT_NE(rooms.find(still_open), std::string::npos) << rooms;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"history", old_room},
                                               {"room", "info", old_room},
                                               {"post", old_room, "x"}}) {
    const auto r = nurse.run(args);
    EXPECT_EQ(r.exit_code(), 1) << r.describe();
    EXPECT_EQ(r.err, "musubi: room not found\n") << r.describe();
  }
  EXPECT_NE(nurse.ok({"history", recent_room}), "");
  nurse.ok({"post", still_open, "変わりなし"});

  // The audit log records the purge and its chain still holds.
  const auto verify = server().admin({"audit", "verify"});
  EXPECT_EQ(verify.exit_code(), 0) << verify.describe();
  const auto exported =
      server().admin({"audit", "export", "--from", "2000-01-01", "--to", "2999-12-31"});
  ASSERT_EQ(exported.exit_code(), 0) << exported.describe();
  EXPECT_NE(exported.out.find(",retention.purge," + old_room + ",events=" + events +
                              " attachments=1 years=5"),
            std::string::npos)
      << exported.out;

  // A second run has nothing left to do.
  const auto again = server().admin({"retention", "--apply"});
  ASSERT_EQ(again.exit_code(), 0) << again.describe();
  EXPECT_NE(again.out.find("no room is due"), std::string::npos) << again.out;
}

TEST_F(Retention, TooShortAPeriodInTheConfigIsRefusedAtLoad) {
  std::ofstream(server().config_file(), std::ios::app) << "[retention]\nclosed_room_years = 2\n";
  const auto r = server().admin({"retention"});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("retention.closed_room_years: must be 0 (keep closed rooms forever) or at "
                       "least 5 years"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace musubi::testing
