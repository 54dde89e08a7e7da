#include "protocol/device_operations.hpp"

#include <gtest/gtest.h>

namespace musubi::protocol {
namespace {

using nlohmann::json;

std::optional<FieldError> parse_ref(const json& body, SessionRef& out) {
  return parse(body, BodyLimits{}, out);
}

TEST(DeviceOperationNames, AreStable) {
  EXPECT_EQ(op::list_devices, "session.devices");
  EXPECT_EQ(op::revoke_device, "session.revoke");
}

TEST(ParseSessionRef, ReadsThePositiveId) {
  SessionRef r;
  EXPECT_FALSE(parse_ref(json{{"session", 17}}, r));
  EXPECT_EQ(r.session, 17);
}

TEST(ParseSessionRef, RefusesMissingWrongTypeAndOutOfRange) {
  SessionRef r;
  const auto message = [&r](const json& body) {
    const auto error = parse_ref(body, r);
    EXPECT_TRUE(error.has_value()) << body.dump();
    if (error) {
      EXPECT_EQ(error->code, Errc::invalid_request);
    }
    return error ? error->message : std::string();
  };
  EXPECT_EQ(message(json::object()), "body.session: required");
  EXPECT_EQ(message(json{{"session", "17"}}), "body.session: expected an integer");
  EXPECT_EQ(message(json{{"session", 1.5}}), "body.session: expected an integer");
  EXPECT_EQ(message(json{{"session", 0}}),
            "body.session: must be between 1 and 9223372036854775807");
}

}  // namespace
}  // namespace musubi::protocol
