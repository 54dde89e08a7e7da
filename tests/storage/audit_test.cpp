#include "storage/audit.hpp"

#include <gtest/gtest.h>

#include "storage/audit_chain.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage::test {
namespace {

class AuditLog : public StorageTest {
 protected:
  void append_some(int count, std::int64_t actor) {
    for (int i = 0; i < count; ++i)
      append_audit(db_, 1000 + i, actor, i % 2 ? "history.read" : "sign_in", std::nullopt,
                   "n=" + std::to_string(i));
  }
  void drop_guards() {
    db_.exec("DROP TRIGGER audit_no_update");
    db_.exec("DROP TRIGGER audit_no_delete");
  }
};

TEST_F(AuditLog, EmptyChainVerifies) {
  const auto v = verify_audit_chain(db_);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.entries, 0);
  EXPECT_EQ(v.head_hash_hex, "");
}

TEST_F(AuditLog, AppendedEntriesFormAChainThatVerifies) {
  append_some(5, add_user("a"));
  const auto v = verify_audit_chain(db_);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.entries, 5);
  EXPECT_EQ(v.head_hash_hex.size(), 64u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit WHERE length(hash) = 32"), 5);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT hash) FROM audit"), 5);
}

TEST_F(AuditLog, TheHeadHashChangesWithEveryEntry) {
  const auto user = add_user("a");
  append_some(1, user);
  const auto first = verify_audit_chain(db_).head_hash_hex;
  append_some(1, user);
  EXPECT_NE(verify_audit_chain(db_).head_hash_hex, first);
}

TEST_F(AuditLog, UpdateAndDeleteAreRefused) {
  append_some(2, add_user("a"));
  EXPECT_THROW(db_.exec("UPDATE audit SET detail = 'x' WHERE id = 1"), SqliteError);
  EXPECT_THROW(db_.exec("DELETE FROM audit WHERE id = 1"), SqliteError);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit"), 2);
}

TEST_F(AuditLog, AnEditedEntryIsFound) {
  append_some(6, add_user("a"));
  drop_guards();
  db_.exec("UPDATE audit SET detail = 'n=99' WHERE id = 4");
  const auto v = verify_audit_chain(db_);
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.first_broken_id, 4);
}

TEST_F(AuditLog, AnEditedTimestampOrActorIsFound) {
  append_some(3, add_user("a"));
  drop_guards();
  db_.exec("UPDATE audit SET actor_id = NULL WHERE id = 2");
  EXPECT_EQ(verify_audit_chain(db_).first_broken_id, 2);
}

TEST_F(AuditLog, ARemovedEntryIsFound) {
  append_some(6, add_user("a"));
  drop_guards();
  db_.exec("DELETE FROM audit WHERE id = 3");
  EXPECT_EQ(verify_audit_chain(db_).first_broken_id, 4);
}

TEST_F(AuditLog, EntriesFromBeforeTheChainAreSealedInOrder) {
  // As after upgrading from schema 4: rows without hashes, then new appends.
  db_.exec(
      "INSERT INTO audit (id, ts_ms, actor_id, action, room_id, detail) VALUES "
      "(1, 10, NULL, 'org.register', NULL, 'code=x'), (2, 11, NULL, 'user.add', NULL, 'login=y')");
  seal_audit_chain(db_);
  append_some(2, add_user("a"));
  const auto v = verify_audit_chain(db_);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.entries, 4);
  // Sealed rows are then as immutable as the rest.
  EXPECT_THROW(db_.exec("UPDATE audit SET detail = '' WHERE id = 1"), SqliteError);
}

TEST_F(AuditLog, TwoConnectionsAppendingKeepOneChain) {
  const auto user = add_user("a");
  Database other(path(), OpenMode::read_write);
  for (int i = 0; i < 10; ++i) {
    append_audit(i % 2 ? other : db_, 100 + i, user, "sign_in", std::nullopt, "");
  }
  const auto v = verify_audit_chain(other);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.entries, 10);
}

TEST_F(AuditLog, ListFiltersByTimeActorRoomAndActionPrefix) {
  const auto a = add_user("a");
  const auto b = add_user("b");
  const auto room = add_room("r1", a);
  append_audit(db_, 100, a, "sign_in", std::nullopt, "");
  append_audit(db_, 200, a, "sign_in.failed", std::nullopt, "");
  append_audit(db_, 300, b, "history.read", room, "after=0");
  append_audit(db_, 400, std::nullopt, "user.add", std::nullopt, "login=c");

  AuditQuery all;
  const auto newest = list_audit(db_, all);
  ASSERT_EQ(newest.size(), 4u);
  EXPECT_EQ(newest.front().action, "user.add");
  EXPECT_EQ(newest.front().actor_login, "");

  AuditQuery window;
  window.from_ms = 200;
  window.to_ms = 400;
  window.newest_first = false;
  const auto in_window = list_audit(db_, window);
  ASSERT_EQ(in_window.size(), 2u);
  EXPECT_EQ(in_window[0].action, "sign_in.failed");
  EXPECT_EQ(in_window[1].room, "r1");
  EXPECT_EQ(in_window[1].actor_login, "b");

  AuditQuery by_actor;
  by_actor.actor_id = a;
  EXPECT_EQ(list_audit(db_, by_actor).size(), 2u);

  AuditQuery by_room;
  by_room.room_id = room;
  EXPECT_EQ(list_audit(db_, by_room).size(), 1u);

  AuditQuery prefix;
  prefix.action = "sign_in.";
  ASSERT_EQ(list_audit(db_, prefix).size(), 1u);
  prefix.action = "sign_in";
  EXPECT_EQ(list_audit(db_, prefix).size(), 1u);  // exact without the trailing dot

  AuditQuery page;
  page.limit = 2;
  const auto first = list_audit(db_, page);
  ASSERT_EQ(first.size(), 2u);
  page.before_id = first.back().id;
  const auto second = list_audit(db_, page);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second.front().id, first.back().id - 1);
}

}  // namespace
}  // namespace musubi::storage::test
