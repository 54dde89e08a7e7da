#include "storage/sessions.hpp"

#include <array>

#include <gtest/gtest.h>

#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

using Hash = std::array<unsigned char, 32>;

Hash hash_of(unsigned char fill) {
  Hash h{};
  h.fill(fill);
  return h;
}

class Sessions : public test::StorageTest {
 protected:
  Sessions() : tanaka_(add_user("tanaka")), sato_(add_user("sato")) {}
  std::int64_t tanaka_;
  std::int64_t sato_;
};

TEST_F(Sessions, InsertThenFindByTokenHash) {
  const auto h = hash_of(0xAB);
  const auto id = insert_session(db_, tanaka_, h, "iPhone 15", 1000, 5000);
  EXPECT_GT(id, 0);
  const auto s = find_session_by_token_hash(db_, h);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->id, id);
  EXPECT_EQ(s->user_id, tanaka_);
  EXPECT_EQ(s->device, "iPhone 15");
  EXPECT_EQ(s->created_ms, 1000);
  EXPECT_EQ(s->last_used_ms, 1000);
  EXPECT_EQ(s->expires_ms, 5000);
  EXPECT_FALSE(s->revoked);
}

TEST_F(Sessions, UnknownHashIsNotFound) {
  insert_session(db_, tanaka_, hash_of(1), "d", 1, 2);
  EXPECT_EQ(find_session_by_token_hash(db_, hash_of(2)), std::nullopt);
  // A prefix of a stored hash is a different blob.
  const auto h = hash_of(1);
  EXPECT_EQ(find_session_by_token_hash(db_, std::span(h).first(16)), std::nullopt);
}

TEST_F(Sessions, HashesAreUnique) {
  insert_session(db_, tanaka_, hash_of(1), "d", 1, 2);
  EXPECT_THROW(insert_session(db_, sato_, hash_of(1), "d", 1, 2), SqliteError);
}

TEST_F(Sessions, UserMustExist) {
  EXPECT_THROW(insert_session(db_, 424242, hash_of(9), "d", 1, 2), SqliteError);
}

TEST_F(Sessions, TouchSlidesExpiryAndRecordsUse) {
  const auto h = hash_of(3);
  const auto id = insert_session(db_, tanaka_, h, "d", 1000, 5000);
  touch_session(db_, id, 2000, 9000);
  const auto s = find_session_by_token_hash(db_, h);
  EXPECT_EQ(s->created_ms, 1000);
  EXPECT_EQ(s->last_used_ms, 2000);
  EXPECT_EQ(s->expires_ms, 9000);
}

TEST_F(Sessions, TouchAffectsOnlyThatSession) {
  const auto a = insert_session(db_, tanaka_, hash_of(1), "a", 1000, 5000);
  insert_session(db_, tanaka_, hash_of(2), "b", 1000, 5000);
  touch_session(db_, a, 2000, 9000);
  EXPECT_EQ(find_session_by_token_hash(db_, hash_of(2))->expires_ms, 5000);
}

TEST_F(Sessions, RevokeOnceAppendsOneRevocation) {
  const auto h = hash_of(4);
  const auto id = insert_session(db_, tanaka_, h, "d", 1, 100);
  EXPECT_TRUE(revoke_session(db_, id, 50, "signed_out"));
  EXPECT_TRUE(find_session_by_token_hash(db_, h)->revoked);
  EXPECT_FALSE(revoke_session(db_, id, 60, "signed_out"));

  const auto revocations = revocations_after(db_, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].user_id, tanaka_);
  EXPECT_EQ(revocations[0].session_id, id);
  EXPECT_EQ(revocations[0].reason, "signed_out");
}

TEST_F(Sessions, RevokingAnUnknownSessionIsFalse) {
  EXPECT_FALSE(revoke_session(db_, 777, 1, "revoked"));
  EXPECT_EQ(last_revocation_id(db_), 0);
}

TEST_F(Sessions, RevokeUserRevokesOnlyThatUser) {
  insert_session(db_, tanaka_, hash_of(1), "a", 1, 100);
  insert_session(db_, tanaka_, hash_of(2), "b", 1, 100);
  insert_session(db_, sato_, hash_of(3), "c", 1, 100);
  revoke_user_sessions(db_, tanaka_, 10, "revoked");
  EXPECT_TRUE(find_session_by_token_hash(db_, hash_of(1))->revoked);
  EXPECT_TRUE(find_session_by_token_hash(db_, hash_of(2))->revoked);
  EXPECT_FALSE(find_session_by_token_hash(db_, hash_of(3))->revoked);

  const auto revocations = revocations_after(db_, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].user_id, tanaka_);
  EXPECT_EQ(revocations[0].session_id, std::nullopt);
  EXPECT_EQ(revocations[0].reason, "revoked");
}

TEST_F(Sessions, RevokeUserNamesTheNewestSessionItEnded) {
  insert_session(db_, tanaka_, hash_of(1), "a", 1, 100);
  const auto newest = insert_session(db_, tanaka_, hash_of(2), "b", 1, 100);
  const auto others = insert_session(db_, sato_, hash_of(3), "c", 1, 100);
  revoke_user_sessions(db_, tanaka_, 10, "revoked");
  // Signed in again afterwards: a later session, which that revocation does not end.
  const auto again = insert_session(db_, tanaka_, hash_of(4), "a", 11, 100);
  EXPECT_GT(again, newest);
  EXPECT_FALSE(find_session(db_, again)->revoked);

  revoke_user_sessions(db_, sato_, 12, "disabled");
  revoke_user_sessions(db_, 999, 13, "revoked");  // no sessions at all
  const auto revocations = revocations_after(db_, 0);
  ASSERT_EQ(revocations.size(), 3u);
  EXPECT_EQ(revocations[0].up_to_session, newest);
  EXPECT_EQ(revocations[1].up_to_session, others);
  EXPECT_EQ(revocations[2].up_to_session, 0);
}

TEST_F(Sessions, ASignOutNamesOnlyItsSession) {
  const auto id = insert_session(db_, tanaka_, hash_of(1), "a", 1, 100);
  ASSERT_TRUE(revoke_session(db_, id, 10, "signed_out"));
  const auto revocations = revocations_after(db_, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].session_id, id);
  EXPECT_EQ(revocations[0].up_to_session, std::nullopt);
}

TEST_F(Sessions, SessionAlreadyRevokedCannotBeRevokedAgainAfterUserRevocation) {
  const auto id = insert_session(db_, tanaka_, hash_of(1), "a", 1, 100);
  revoke_user_sessions(db_, tanaka_, 10, "disabled");
  EXPECT_FALSE(revoke_session(db_, id, 20, "signed_out"));
  EXPECT_EQ(revocations_after(db_, 0).size(), 1u);
}

TEST_F(Sessions, RevocationsAfterAreInOrderAndStartAfterTheGivenId) {
  const auto a = insert_session(db_, tanaka_, hash_of(1), "a", 1, 100);
  const auto b = insert_session(db_, sato_, hash_of(2), "b", 1, 100);
  revoke_session(db_, b, 10, "signed_out");
  revoke_user_sessions(db_, tanaka_, 11, "disabled");
  revoke_session(db_, a, 12, "signed_out");  // already revoked: no entry

  const auto all = revocations_after(db_, 0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_LT(all[0].id, all[1].id);
  EXPECT_EQ(all[0].user_id, sato_);
  EXPECT_EQ(all[0].session_id, b);
  EXPECT_EQ(all[1].user_id, tanaka_);
  EXPECT_EQ(all[1].session_id, std::nullopt);
  EXPECT_EQ(all[1].reason, "disabled");

  const auto later = revocations_after(db_, all[0].id);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].id, all[1].id);
  EXPECT_TRUE(revocations_after(db_, all[1].id).empty());
  EXPECT_EQ(last_revocation_id(db_), all[1].id);
}

TEST_F(Sessions, LastRevocationIdIsZeroWhenEmpty) {
  EXPECT_EQ(last_revocation_id(db_), 0);
}

TEST_F(Sessions, RevocationsAfterReturnsAtMost1000PerCall) {
  for (int i = 0; i < 1005; ++i)
    revoke_user_sessions(db_, tanaka_, i, "revoked");
  const auto first = revocations_after(db_, 0);
  ASSERT_EQ(first.size(), 1000u);
  const auto rest = revocations_after(db_, first.back().id);
  ASSERT_EQ(rest.size(), 5u);
  EXPECT_EQ(rest.back().id, last_revocation_id(db_));
}

TEST_F(Sessions, RevokeUserCountsOnlyTheLiveSessions) {
  insert_session(db_, tanaka_, hash_of(1), "live", 1, 100);
  insert_session(db_, tanaka_, hash_of(2), "expired", 1, 5);
  const auto gone = insert_session(db_, tanaka_, hash_of(3), "signed out", 1, 100);
  revoke_session(db_, gone, 2, "signed_out");
  EXPECT_EQ(revoke_user_sessions(db_, tanaka_, 10, "revoked"), 1);
  EXPECT_EQ(revoke_user_sessions(db_, tanaka_, 11, "revoked"), 0);
}

TEST_F(Sessions, KeepsTheAddressOfSignInAndItsChanges) {
  const auto id = insert_session(db_, tanaka_, hash_of(1), "iPad", 1, 100, "192.0.2.1");
  EXPECT_EQ(find_session_by_token_hash(db_, hash_of(1))->last_peer, "192.0.2.1");
  set_session_peer(db_, id, "198.51.100.9");
  EXPECT_EQ(find_session(db_, id)->last_peer, "198.51.100.9");
  // Without an address (older callers), it is empty: not known.
  const auto other = insert_session(db_, tanaka_, hash_of(2), "PC", 1, 100);
  EXPECT_EQ(find_session(db_, other)->last_peer, "");
}

TEST_F(Sessions, FindByIdHasTheWholeRecord) {
  const auto id = insert_session(db_, tanaka_, hash_of(1), "iPad", 1000, 5000, "192.0.2.1");
  revoke_session(db_, id, 2000, "revoked");
  const auto s = find_session(db_, id);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->user_id, tanaka_);
  EXPECT_EQ(s->device, "iPad");
  EXPECT_EQ(s->created_ms, 1000);
  EXPECT_EQ(s->expires_ms, 5000);
  EXPECT_TRUE(s->revoked);
  EXPECT_FALSE(find_session(db_, id + 100).has_value());
}

TEST_F(Sessions, LiveSessionsAreTheUsersUnrevokedUnexpiredOnesMostRecentlyUsedFirst) {
  const auto old_phone = insert_session(db_, tanaka_, hash_of(1), "old phone", 1000, 50'000);
  const auto ipad = insert_session(db_, tanaka_, hash_of(2), "iPad", 1000, 50'000);
  const auto pc = insert_session(db_, tanaka_, hash_of(3), "PC", 1000, 50'000);
  touch_session(db_, old_phone, 3000, 60'000);
  insert_session(db_, tanaka_, hash_of(4), "expired", 1000, 10'000);
  revoke_session(db_, pc, 2000, "revoked");
  insert_session(db_, sato_, hash_of(5), "sato's", 1000, 50'000);

  const auto live = live_sessions_of_user(db_, tanaka_, 10'000);
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].id, old_phone);
  EXPECT_EQ(live[1].id, ipad);
  EXPECT_TRUE(live_sessions_of_user(db_, tanaka_, 60'000).empty());
}

}  // namespace
}  // namespace musubi::storage
