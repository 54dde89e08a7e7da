#include "storage/users.hpp"

#include <array>

#include <gtest/gtest.h>

#include "storage/sessions.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace musubi::storage {
namespace {

using Users = test::StorageTest;

std::array<unsigned char, 32> token_hash(unsigned char fill) {
  std::array<unsigned char, 32> h{};
  h.fill(fill);
  return h;
}

TEST_F(Users, InsertThenFindByLoginAndId) {
  const auto id = insert_user(
      db_, NewUser{"tanaka", "田中 看護師", "$argon2id$x", org_id_, "nurse", "org_contact"}, 1234);
  ASSERT_TRUE(id.has_value());
  EXPECT_GT(*id, 0);

  const auto by_login = find_user_by_login(db_, "tanaka");
  ASSERT_TRUE(by_login.has_value());
  EXPECT_EQ(by_login->id, *id);
  EXPECT_EQ(by_login->login, "tanaka");
  EXPECT_EQ(by_login->name, "田中 看護師");
  EXPECT_EQ(by_login->password_hash, "$argon2id$x");
  EXPECT_EQ(by_login->role, "org_contact");
  EXPECT_EQ(by_login->profession, "nurse");
  EXPECT_EQ(by_login->org_id, org_id_);
  EXPECT_EQ(by_login->org_code, "test-vn");
  EXPECT_EQ(by_login->org_type, "visiting_nursing");
  EXPECT_TRUE(by_login->org_active);
  EXPECT_EQ(by_login->confirmed_on, std::nullopt);
  EXPECT_FALSE(by_login->disabled);
  EXPECT_EQ(by_login->created_ms, 1234);

  const auto by_id = find_user_by_id(db_, *id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->login, "tanaka");
  EXPECT_EQ(by_id->name, "田中 看護師");
}

TEST_F(Users, MemberByDefault) {
  add_user("sato");
  EXPECT_EQ(find_user_by_login(db_, "sato")->role, "member");
}

TEST_F(Users, UnknownRoleIsRefusedByTheSchema) {
  EXPECT_THROW(insert_user(db_, NewUser{"x", "x", "h", org_id_, "nurse", "king"}, 1), SqliteError);
}

TEST_F(Users, ListCanBeLimitedToOneOrganization) {
  add_user("tanaka");
  const auto other = add_org("clinic", "clinic");
  insert_user(db_, NewUser{"dr", "医師", "h", other, "physician", "member"}, 1);
  EXPECT_EQ(list_users(db_).size(), 2u);
  const auto clinic = list_users(db_, other);
  ASSERT_EQ(clinic.size(), 1u);
  EXPECT_EQ(clinic[0].login, "dr");
}

TEST_F(Users, ConfirmationDateIsRecorded) {
  add_user("tanaka");
  EXPECT_TRUE(set_confirmed_on(db_, "tanaka", "2026-05-01"));
  EXPECT_EQ(find_user_by_login(db_, "tanaka")->confirmed_on, "2026-05-01");
  EXPECT_FALSE(set_confirmed_on(db_, "ghost", "2026-05-01"));
}

TEST_F(Users, UnknownLoginOrIdIsNotFound) {
  add_user("tanaka");
  EXPECT_EQ(find_user_by_login(db_, "ghost"), std::nullopt);
  EXPECT_EQ(find_user_by_login(db_, "tanak"), std::nullopt);
  EXPECT_EQ(find_user_by_id(db_, 9999), std::nullopt);
}

TEST_F(Users, DuplicateLoginIsRefusedAndKeepsTheFirstUser) {
  const auto first = add_user("tanaka", "First");
  EXPECT_EQ(insert_user(db_, NewUser{"tanaka", "Second", "other", org_id_, "nurse", "member"}, 5),
            std::nullopt);
  EXPECT_EQ(count_users(db_), 1);
  const auto user = find_user_by_login(db_, "tanaka");
  EXPECT_EQ(user->id, first);
  EXPECT_EQ(user->name, "First");
}

TEST_F(Users, ListIsOrderedByLogin) {
  add_user("tanaka");
  add_user("abe");
  add_user("sato");
  add_user("ito");
  const auto users = list_users(db_);
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0].login, "abe");
  EXPECT_EQ(users[1].login, "ito");
  EXPECT_EQ(users[2].login, "sato");
  EXPECT_EQ(users[3].login, "tanaka");
  EXPECT_EQ(users[0].name, "Name of abe");
}

TEST_F(Users, CountAndEmptyList) {
  EXPECT_EQ(count_users(db_), 0);
  EXPECT_TRUE(list_users(db_).empty());
  add_user("a");
  add_user("b");
  EXPECT_EQ(count_users(db_), 2);
}

TEST_F(Users, DisableRevokesEverySessionAndAppendsOneRevocation) {
  const auto tanaka = add_user("tanaka");
  const auto sato = add_user("sato");
  const auto h1 = token_hash(1), h2 = token_hash(2), h3 = token_hash(3);
  insert_session(db_, tanaka, h1, "iPhone", 10, 100);
  insert_session(db_, tanaka, h2, "PC", 10, 100);
  insert_session(db_, sato, h3, "iPad", 10, 100);

  EXPECT_TRUE(set_user_disabled(db_, "tanaka", true, 50));

  EXPECT_TRUE(find_user_by_login(db_, "tanaka")->disabled);
  EXPECT_TRUE(find_session_by_token_hash(db_, h1)->revoked);
  EXPECT_TRUE(find_session_by_token_hash(db_, h2)->revoked);
  EXPECT_FALSE(find_session_by_token_hash(db_, h3)->revoked);
  const auto revocations = revocations_after(db_, 0);
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0].user_id, tanaka);
  EXPECT_EQ(revocations[0].session_id, std::nullopt);
  EXPECT_EQ(revocations[0].reason, "disabled");
}

TEST_F(Users, EnablingDoesNotRevokeAnything) {
  add_user("tanaka");
  ASSERT_TRUE(set_user_disabled(db_, "tanaka", true, 50));
  const auto before = last_revocation_id(db_);
  EXPECT_TRUE(set_user_disabled(db_, "tanaka", false, 60));
  EXPECT_FALSE(find_user_by_login(db_, "tanaka")->disabled);
  EXPECT_EQ(last_revocation_id(db_), before);
}

TEST_F(Users, DisablingAnUnknownLoginChangesNothing) {
  add_user("tanaka");
  EXPECT_FALSE(set_user_disabled(db_, "ghost", true, 50));
  EXPECT_EQ(last_revocation_id(db_), 0);
  EXPECT_FALSE(find_user_by_login(db_, "tanaka")->disabled);
}

TEST_F(Users, SetPasswordHashReplacesOnlyThatUsersHash) {
  add_user("tanaka");
  add_user("sato");
  EXPECT_TRUE(set_password_hash(db_, "tanaka", "new-hash"));
  EXPECT_EQ(find_user_by_login(db_, "tanaka")->password_hash, "new-hash");
  EXPECT_EQ(find_user_by_login(db_, "sato")->password_hash, "hash-sato");
}

TEST_F(Users, SetPasswordHashOfUnknownLoginIsFalse) {
  EXPECT_FALSE(set_password_hash(db_, "ghost", "h"));
}

TEST_F(Users, SigninFailuresStartAtZero) {
  const auto state = signin_failures(db_, "tanaka");
  EXPECT_EQ(state.failures, 0);
  EXPECT_EQ(state.locked_until_ms, 0);
}

TEST_F(Users, SigninFailuresAreSavedUpdatedAndCleared) {
  save_signin_failures(db_, "tanaka", SigninFailures{1, 0});
  EXPECT_EQ(signin_failures(db_, "tanaka").failures, 1);
  save_signin_failures(db_, "tanaka", SigninFailures{5, 90'000});
  auto state = signin_failures(db_, "tanaka");
  EXPECT_EQ(state.failures, 5);
  EXPECT_EQ(state.locked_until_ms, 90'000);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM signin_failures"), 1);

  clear_signin_failures(db_, "tanaka");
  state = signin_failures(db_, "tanaka");
  EXPECT_EQ(state.failures, 0);
  EXPECT_EQ(state.locked_until_ms, 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM signin_failures"), 0);
}

TEST_F(Users, SigninFailuresAreKeptPerLoginTextKnownOrNot) {
  add_user("tanaka");
  save_signin_failures(db_, "tanaka", SigninFailures{2, 0});
  save_signin_failures(db_, "nobody", SigninFailures{7, 123});
  EXPECT_EQ(signin_failures(db_, "tanaka").failures, 2);
  EXPECT_EQ(signin_failures(db_, "nobody").failures, 7);
  EXPECT_EQ(signin_failures(db_, "nobody").locked_until_ms, 123);
  clear_signin_failures(db_, "nobody");
  EXPECT_EQ(signin_failures(db_, "tanaka").failures, 2);
}

}  // namespace
}  // namespace musubi::storage
