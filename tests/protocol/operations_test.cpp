#include "protocol/operations.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace musubi::protocol {
namespace {

using nlohmann::json;

// `n` copies of a three-byte Japanese character: n Unicode characters, 3n bytes.
std::string japanese(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    s += "看";
  return s;
}

// Parses `body` into `out`; success when parse() reports no error.
template <class T>
::testing::AssertionResult parse_into(const json& body, T& out, const BodyLimits& limits = {}) {
  if (const auto error = parse(body, limits, out)) {
    return ::testing::AssertionFailure()
           << body.dump() << " gave " << to_string(error->code) << ": " << error->message;
  }
  return ::testing::AssertionSuccess();
}

template <class T>
void expect_error(const json& body, Errc code, const std::string& message,
                  const BodyLimits& limits = {}) {
  T out;
  const auto error = parse(body, limits, out);
  ASSERT_TRUE(error.has_value()) << "no error for " << body.dump();
  EXPECT_EQ(error->code, code) << body.dump() << " gave " << error->message;
  EXPECT_EQ(error->message, message) << body.dump();
}

TEST(OperationNames, AreStable) {
  EXPECT_EQ(op::sign_in, "session.sign_in");
  EXPECT_EQ(op::resume, "session.resume");
  EXPECT_EQ(op::sign_out, "session.sign_out");
  EXPECT_EQ(op::list_rooms, "room.list");
  EXPECT_EQ(op::add_member, "room.add_member");
  EXPECT_EQ(op::remove_member, "room.remove_member");
  EXPECT_EQ(op::list_members, "room.members");
  EXPECT_EQ(op::post, "room.post");
  EXPECT_EQ(op::history, "room.history");
  EXPECT_EQ(op::subscribe, "room.subscribe");
}

// --- SignIn ----------------------------------------------------------------------------------

TEST(ParseSignIn, ReadsAllFields) {
  SignIn s;
  EXPECT_TRUE(parse_into(
      json{{"login", "tanaka"}, {"password", "秘密のパスワード"}, {"device", "iPhone"}}, s));
  EXPECT_EQ(s.login, "tanaka");
  EXPECT_EQ(s.password, "秘密のパスワード");
  EXPECT_EQ(s.device, "iPhone");
}

TEST(ParseSignIn, RememberDefaultsToTrueAndMustBeABoolean) {
  SignIn s;
  EXPECT_TRUE(parse_into(json{{"login", "a"}, {"password", "b"}}, s));
  EXPECT_TRUE(s.remember);
  EXPECT_TRUE(parse_into(json{{"login", "a"}, {"password", "b"}, {"remember", false}}, s));
  EXPECT_FALSE(s.remember);
  expect_error<SignIn>(json{{"login", "a"}, {"password", "b"}, {"remember", "no"}},
                       Errc::invalid_request, "body.remember: expected true or false");
}

TEST(ParseSignIn, DeviceDefaultsToUnnamed) {
  SignIn s;
  EXPECT_TRUE(parse_into(json{{"login", "tanaka"}, {"password", "pw"}}, s));
  EXPECT_EQ(s.device, "unnamed device");
}

TEST(ParseSignIn, NullDeviceIsTreatedAsAbsent) {
  SignIn s;
  EXPECT_TRUE(parse_into(json{{"login", "tanaka"}, {"password", "pw"}, {"device", nullptr}}, s));
  EXPECT_EQ(s.device, "unnamed device");
}

TEST(ParseSignIn, UnknownFieldsAreIgnored) {
  SignIn s;
  EXPECT_TRUE(parse_into(json{{"login", "a"}, {"password", "b"}, {"future_field", {1, 2}}}, s));
}

TEST(ParseSignIn, MissingLoginIsReportedFirst) {
  expect_error<SignIn>(json::object(), Errc::invalid_request, "body.login: required");
}

TEST(ParseSignIn, MissingPassword) {
  expect_error<SignIn>(json{{"login", "tanaka"}}, Errc::invalid_request, "body.password: required");
}

TEST(ParseSignIn, NullRequiredFieldIsMissing) {
  expect_error<SignIn>(json{{"login", nullptr}, {"password", "x"}}, Errc::invalid_request,
                       "body.login: required");
}

TEST(ParseSignIn, WrongTypesNameTheField) {
  expect_error<SignIn>(json{{"login", 5}, {"password", "x"}}, Errc::invalid_request,
                       "body.login: expected a string");
  expect_error<SignIn>(json{{"login", "a"}, {"password", true}}, Errc::invalid_request,
                       "body.password: expected a string");
  expect_error<SignIn>(json{{"login", "a"}, {"password", "x"}, {"device", json::array()}},
                       Errc::invalid_request, "body.device: expected a string");
}

TEST(ParseSignIn, EmptyStringsAreTooShort) {
  expect_error<SignIn>(json{{"login", ""}, {"password", "x"}}, Errc::invalid_request,
                       "body.login: must have at least 1 characters");
  expect_error<SignIn>(json{{"login", "a"}, {"password", "x"}, {"device", ""}},
                       Errc::invalid_request, "body.device: must have at least 1 characters");
}

TEST(ParseSignIn, LoginOf64CharactersIsAcceptedAnd65IsTooLarge) {
  SignIn s;
  EXPECT_TRUE(parse_into(json{{"login", std::string(64, 'a')}, {"password", "x"}}, s));
  expect_error<SignIn>(json{{"login", std::string(65, 'a')}, {"password", "x"}}, Errc::too_large,
                       "body.login: must have at most 64 characters");
}

TEST(ParseSignIn, PasswordLimitIs1024Characters) {
  SignIn s;
  EXPECT_TRUE(parse_into(json{{"login", "a"}, {"password", japanese(1024)}}, s));
  expect_error<SignIn>(json{{"login", "a"}, {"password", japanese(1025)}}, Errc::too_large,
                       "body.password: must have at most 1024 characters");
}

TEST(ParseSignIn, DeviceLimitIs100CharactersCountedInUnicode) {
  SignIn s;
  // 100 characters, 300 bytes.
  EXPECT_TRUE(parse_into(json{{"login", "a"}, {"password", "x"}, {"device", japanese(100)}}, s));
  EXPECT_EQ(s.device, japanese(100));
  expect_error<SignIn>(json{{"login", "a"}, {"password", "x"}, {"device", japanese(101)}},
                       Errc::too_large, "body.device: must have at most 100 characters");
}

TEST(ParseSignIn, OnlyTheFirstProblemIsReported) {
  expect_error<SignIn>(json{{"login", 1}, {"password", 2}, {"device", 3}}, Errc::invalid_request,
                       "body.login: expected a string");
}

// --- ResumeSession ---------------------------------------------------------------------------

TEST(ParseResume, ReadsToken) {
  ResumeSession r;
  EXPECT_TRUE(parse_into(json{{"token", "mst_abc"}}, r));
  EXPECT_EQ(r.token, "mst_abc");
}

TEST(ParseResume, Errors) {
  expect_error<ResumeSession>(json::object(), Errc::invalid_request, "body.token: required");
  expect_error<ResumeSession>(json{{"token", 1}}, Errc::invalid_request,
                              "body.token: expected a string");
  expect_error<ResumeSession>(json{{"token", ""}}, Errc::invalid_request,
                              "body.token: must have at least 1 characters");
  expect_error<ResumeSession>(json{{"token", std::string(129, 't')}}, Errc::too_large,
                              "body.token: must have at most 128 characters");
}

TEST(ParseResume, TokenOf128CharactersIsAccepted) {
  ResumeSession r;
  EXPECT_TRUE(parse_into(json{{"token", std::string(128, 't')}}, r));
  EXPECT_EQ(r.token.size(), 128u);
}

// --- RoomRef ---------------------------------------------------------------------------------

TEST(ParseRoomRef, ReadsRoom) {
  RoomRef r;
  EXPECT_TRUE(parse_into(json{{"room", "k3j5"}}, r));
  EXPECT_EQ(r.room, "k3j5");
}

TEST(ParseRoomRef, Errors) {
  expect_error<RoomRef>(json::object(), Errc::invalid_request, "body.room: required");
  expect_error<RoomRef>(json{{"room", 12}}, Errc::invalid_request, "body.room: expected a string");
  expect_error<RoomRef>(json{{"room", ""}}, Errc::invalid_request,
                        "body.room: must have at least 1 characters");
  expect_error<RoomRef>(json{{"room", std::string(65, 'r')}}, Errc::too_large,
                        "body.room: must have at most 64 characters");
}

// --- MemberChange ----------------------------------------------------------------------------

TEST(ParseMemberChange, RoleDefaultsToMember) {
  MemberChange m;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"login", "sato"}}, m));
  EXPECT_EQ(m.room, "r");
  EXPECT_EQ(m.login, "sato");
  EXPECT_EQ(m.role, "member");
}

TEST(ParseMemberChange, AcceptsAdminAndMember) {
  MemberChange m;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"login", "sato"}, {"role", "admin"}}, m));
  EXPECT_EQ(m.role, "admin");
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"login", "sato"}, {"role", "member"}}, m));
  EXPECT_EQ(m.role, "member");
}

TEST(ParseMemberChange, RefusesOtherRoles) {
  for (const char* role : {"owner", "Admin", "ADMIN", " admin"}) {
    expect_error<MemberChange>(json{{"room", "r"}, {"login", "sato"}, {"role", role}},
                               Errc::invalid_request, "body.role: must be \"member\" or \"admin\"");
  }
}

TEST(ParseMemberChange, RoleOfWrongTypeOrLength) {
  expect_error<MemberChange>(json{{"room", "r"}, {"login", "sato"}, {"role", 1}},
                             Errc::invalid_request, "body.role: expected a string");
  expect_error<MemberChange>(json{{"room", "r"}, {"login", "sato"}, {"role", std::string(17, 'a')}},
                             Errc::too_large, "body.role: must have at most 16 characters");
}

TEST(ParseMemberChange, RequiredFields) {
  expect_error<MemberChange>(json{{"login", "sato"}}, Errc::invalid_request, "body.room: required");
  expect_error<MemberChange>(json{{"room", "r"}}, Errc::invalid_request, "body.login: required");
  expect_error<MemberChange>(json{{"room", "r"}, {"login", std::string(65, 'x')}}, Errc::too_large,
                             "body.login: must have at most 64 characters");
}

TEST(ParseMemberChange, AnEarlierErrorWinsOverABadRole) {
  expect_error<MemberChange>(json{{"room", 1}, {"login", "sato"}, {"role", "owner"}},
                             Errc::invalid_request, "body.room: expected a string");
}

// --- PostMessage -----------------------------------------------------------------------------

TEST(ParsePost, ReadsFieldsWithoutNonce) {
  PostMessage p;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"text", "血圧 120/80、問題なし"}}, p));
  EXPECT_EQ(p.room, "r");
  EXPECT_EQ(p.text, "血圧 120/80、問題なし");
  EXPECT_FALSE(p.nonce.has_value());
}

TEST(ParsePost, ReadsNonce) {
  PostMessage p;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"text", "t"}, {"nonce", "n-1"}}, p));
  ASSERT_TRUE(p.nonce.has_value());
  EXPECT_EQ(*p.nonce, "n-1");
}

TEST(ParsePost, TextLimitIsCountedInCharactersNotBytes) {
  BodyLimits limits;
  limits.max_text_chars = 10;
  PostMessage p;
  // 10 characters are 30 bytes: accepted although the byte count is over the limit.
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"text", japanese(10)}}, p, limits));
  EXPECT_EQ(p.text, japanese(10));
  expect_error<PostMessage>(json{{"room", "r"}, {"text", japanese(11)}}, Errc::too_large,
                            "body.text: must have at most 10 characters", limits);
}

TEST(ParsePost, DefaultTextLimitIs10000) {
  PostMessage p;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"text", std::string(10000, 'x')}}, p));
  expect_error<PostMessage>(json{{"room", "r"}, {"text", std::string(10001, 'x')}}, Errc::too_large,
                            "body.text: must have at most 10000 characters");
}

TEST(ParsePost, Errors) {
  expect_error<PostMessage>(json{{"text", "t"}}, Errc::invalid_request, "body.room: required");
  expect_error<PostMessage>(json{{"room", "r"}}, Errc::invalid_request, "body.text: required");
  expect_error<PostMessage>(json{{"room", "r"}, {"text", ""}}, Errc::invalid_request,
                            "body.text: must have at least 1 characters");
  expect_error<PostMessage>(json{{"room", "r"}, {"text", 7}}, Errc::invalid_request,
                            "body.text: expected a string");
  expect_error<PostMessage>(json{{"room", "r"}, {"text", "t"}, {"nonce", 7}}, Errc::invalid_request,
                            "body.nonce: expected a string");
  expect_error<PostMessage>(json{{"room", "r"}, {"text", "t"}, {"nonce", ""}},
                            Errc::invalid_request, "body.nonce: must have at least 1 characters");
  expect_error<PostMessage>(json{{"room", "r"}, {"text", "t"}, {"nonce", std::string(65, 'n')}},
                            Errc::too_large, "body.nonce: must have at most 64 characters");
}

TEST(ParsePost, RoomIsCheckedBeforeText) {
  expect_error<PostMessage>(json{{"room", ""}, {"text", ""}}, Errc::invalid_request,
                            "body.room: must have at least 1 characters");
}

// --- FetchHistory ----------------------------------------------------------------------------

TEST(ParseHistory, Defaults) {
  FetchHistory h;
  EXPECT_TRUE(parse_into(json{{"room", "r"}}, h));
  EXPECT_EQ(h.room, "r");
  EXPECT_FALSE(h.from.has_value());
  EXPECT_FALSE(h.to.has_value());
  EXPECT_EQ(h.order, Order::newest_first);
  EXPECT_EQ(h.limit, kDefaultHistoryLimit);
  EXPECT_EQ(kDefaultHistoryLimit, 50);
}

TEST(ParseHistory, ReadsEveryField) {
  FetchHistory h;
  EXPECT_TRUE(
      parse_into(json{{"room", "r"}, {"from", 3}, {"to", 9}, {"order", "asc"}, {"limit", 200}}, h));
  EXPECT_EQ(h.from, 3);
  EXPECT_EQ(h.to, 9);
  EXPECT_EQ(h.order, Order::oldest_first);
  EXPECT_EQ(h.limit, 200);
}

TEST(ParseHistory, DescIsNewestFirst) {
  FetchHistory h;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"order", "desc"}}, h));
  EXPECT_EQ(h.order, Order::newest_first);
}

TEST(ParseHistory, RefusesOtherOrders) {
  for (const char* order : {"ascending", "ASC", "newest"}) {
    expect_error<FetchHistory>(json{{"room", "r"}, {"order", order}}, Errc::invalid_request,
                               "body.order: must be \"asc\" or \"desc\"");
  }
  expect_error<FetchHistory>(json{{"room", "r"}, {"order", 1}}, Errc::invalid_request,
                             "body.order: expected a string");
}

TEST(ParseHistory, LimitBounds) {
  expect_error<FetchHistory>(json{{"room", "r"}, {"limit", 0}}, Errc::invalid_request,
                             "body.limit: must be between 1 and 200");
  expect_error<FetchHistory>(json{{"room", "r"}, {"limit", 201}}, Errc::invalid_request,
                             "body.limit: must be between 1 and 200");
  expect_error<FetchHistory>(json{{"room", "r"}, {"limit", -5}}, Errc::invalid_request,
                             "body.limit: must be between 1 and 200");
  FetchHistory h;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"limit", 1}}, h));
  EXPECT_EQ(h.limit, 1);
}

TEST(ParseHistory, LimitMustBeAnInteger) {
  expect_error<FetchHistory>(json{{"room", "r"}, {"limit", 2.5}}, Errc::invalid_request,
                             "body.limit: expected an integer");
  expect_error<FetchHistory>(json{{"room", "r"}, {"limit", "10"}}, Errc::invalid_request,
                             "body.limit: expected an integer");
}

TEST(ParseHistory, FromAndToStartAtOne) {
  const std::string range = "must be between 1 and " + std::to_string(INT64_MAX);
  expect_error<FetchHistory>(json{{"room", "r"}, {"from", 0}}, Errc::invalid_request,
                             "body.from: " + range);
  expect_error<FetchHistory>(json{{"room", "r"}, {"to", 0}}, Errc::invalid_request,
                             "body.to: " + range);
}

TEST(ParseHistory, FromAndToAcceptInt64Max) {
  FetchHistory h;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"from", INT64_MAX}, {"to", INT64_MAX}}, h));
  EXPECT_EQ(h.from, INT64_MAX);
  EXPECT_EQ(h.to, INT64_MAX);
}

TEST(ParseHistory, UnsignedAboveInt64MaxIsOutOfRange) {
  expect_error<FetchHistory>(json{{"room", "r"}, {"to", 9223372036854775808ull}},
                             Errc::invalid_request, "body.to: out of range");
}

TEST(ParseHistory, FromGreaterThanToIsRefused) {
  expect_error<FetchHistory>(json{{"room", "r"}, {"from", 10}, {"to", 9}}, Errc::invalid_request,
                             "body.from: must not be greater than body.to");
}

TEST(ParseHistory, FromEqualToIsOneEvent) {
  FetchHistory h;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"from", 4}, {"to", 4}}, h));
  EXPECT_EQ(h.from, 4);
  EXPECT_EQ(h.to, 4);
}

TEST(ParseHistory, OnlyFromOrOnlyToIsFine) {
  FetchHistory h;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"from", 100}}, h));
  EXPECT_EQ(h.from, 100);
  EXPECT_FALSE(h.to.has_value());
  FetchHistory h2;
  EXPECT_TRUE(parse_into(json{{"room", "r"}, {"to", 1}}, h2));
  EXPECT_FALSE(h2.from.has_value());
  EXPECT_EQ(h2.to, 1);
}

TEST(ParseHistory, MissingRoomWinsOverOtherErrors) {
  expect_error<FetchHistory>(json{{"from", 5}, {"to", 1}, {"order", "sideways"}},
                             Errc::invalid_request, "body.room: required");
}

TEST(ParseHistory, FromOverToIsNotReportedWhenAnotherFieldIsWrong) {
  expect_error<FetchHistory>(json{{"room", "r"}, {"from", 5}, {"to", 1}, {"limit", 0}},
                             Errc::invalid_request, "body.limit: must be between 1 and 200");
}

// --- Subscribe -------------------------------------------------------------------------------

TEST(ParseSubscribe, ReadsRoomsWithAndWithoutCursor) {
  Subscribe s;
  EXPECT_TRUE(parse_into(json{{"rooms", {{{"room", "a"}, {"after", 0}}, {{"room", "b"}}}}}, s));
  ASSERT_EQ(s.rooms.size(), 2u);
  EXPECT_EQ(s.rooms[0].room, "a");
  EXPECT_EQ(s.rooms[0].after, 0);
  EXPECT_EQ(s.rooms[1].room, "b");
  EXPECT_FALSE(s.rooms[1].after.has_value());
}

TEST(ParseSubscribe, EmptyArrayIsAllowed) {
  Subscribe s;
  s.rooms.push_back({"stale", 1});
  EXPECT_TRUE(parse_into(json{{"rooms", json::array()}}, s));
  EXPECT_TRUE(s.rooms.empty());
}

TEST(ParseSubscribe, RoomsIsRequiredAndMustBeAnArray) {
  expect_error<Subscribe>(json::object(), Errc::invalid_request, "body.rooms: required");
  expect_error<Subscribe>(json{{"rooms", nullptr}}, Errc::invalid_request, "body.rooms: required");
  expect_error<Subscribe>(json{{"rooms", "a"}}, Errc::invalid_request,
                          "body.rooms: expected an array");
  expect_error<Subscribe>(json{{"rooms", {{"room", "a"}}}}, Errc::invalid_request,
                          "body.rooms: expected an array");
}

TEST(ParseSubscribe, TooManyRoomsIsTooLarge) {
  BodyLimits limits;
  limits.max_subscribe_rooms = 2;
  const json item = {{"room", "a"}};
  Subscribe s;
  EXPECT_TRUE(parse_into(json{{"rooms", {item, item}}}, s, limits));
  expect_error<Subscribe>(json{{"rooms", {item, item, item}}}, Errc::too_large,
                          "body.rooms: must have at most 2 items", limits);
}

TEST(ParseSubscribe, ItemThatIsNotAnObjectNamesItsIndex) {
  expect_error<Subscribe>(json{{"rooms", {{{"room", "a"}}, "b"}}}, Errc::invalid_request,
                          "body.rooms[1]: expected an object");
}

TEST(ParseSubscribe, ErrorsInsideAnItemNameTheFullPath) {
  expect_error<Subscribe>(json{{"rooms", {{{"room", "a"}}, {{"after", 1}}}}}, Errc::invalid_request,
                          "body.rooms[1].room: required");
  expect_error<Subscribe>(json{{"rooms", {{{"room", 5}}}}}, Errc::invalid_request,
                          "body.rooms[0].room: expected a string");
  expect_error<Subscribe>(json{{"rooms", {{{"room", std::string(65, 'r')}}}}}, Errc::too_large,
                          "body.rooms[0].room: must have at most 64 characters");
  expect_error<Subscribe>(
      json{{"rooms", {{{"room", "a"}, {"after", -1}}}}}, Errc::invalid_request,
      "body.rooms[0].after: must be between 0 and " + std::to_string(INT64_MAX));
  expect_error<Subscribe>(json{{"rooms", {{{"room", "a"}, {"after", "3"}}}}}, Errc::invalid_request,
                          "body.rooms[0].after: expected an integer");
}

TEST(ParseSubscribe, IndexWithSeveralDigits) {
  json rooms = json::array();
  for (int i = 0; i < 12; ++i)
    rooms.push_back({{"room", "r" + std::to_string(i)}});
  rooms[11]["room"] = "";
  expect_error<Subscribe>(json{{"rooms", rooms}}, Errc::invalid_request,
                          "body.rooms[11].room: must have at least 1 characters");
}

}  // namespace
}  // namespace musubi::protocol
