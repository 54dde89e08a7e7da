#pragma once

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients/client/client_connection.hpp"
#include "tests/support/test_server.hpp"

namespace musubi::testing {

// The result of a reply that must be ok; records a test failure otherwise.
inline nlohmann::json ok(const protocol::ServerFrame& reply) {
  EXPECT_TRUE(reply.ok) << reply.error_code << ": " << reply.error_message;
  return reply.result;
}

// Asserts an error reply with this code.
inline void expect_error(const protocol::ServerFrame& reply, const std::string& code) {
  EXPECT_FALSE(reply.ok) << "expected " << code << ", got ok: " << reply.result.dump();
  EXPECT_EQ(reply.error_code, code) << reply.error_message;
}

// A room for a new patient, with `c` as its only member (see TestServer::open_room).
inline std::string create_room(const TestServer& server, client::ClientConnection& c,
                               const std::string& patient) {
  return server.open_room(c, patient);
}

inline void add_member(client::ClientConnection& c, const std::string& room,
                       const std::string& login) {
  ok(c.request("room.add_member", {{"room", room}, {"login", login}}));
}

inline std::int64_t post(client::ClientConnection& c, const std::string& room,
                         const std::string& text) {
  return ok(c.request("room.post", {{"room", room}, {"text", text}}))["seq"].get<std::int64_t>();
}

// The next event named `name` (others are skipped); null when none comes in time.
inline nlohmann::json next_event_named(client::ClientConnection& c, const std::string& name,
                                       std::chrono::milliseconds timeout = kWait) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    auto event = c.next_event(left);
    if (!event) return nullptr;
    if (event->event == name) return event->body;
  }
}

// The next room.event frame's body; skips other events (room.added and the like). Null when none
// arrives in time.
inline nlohmann::json next_room_event(client::ClientConnection& c,
                                      std::chrono::milliseconds timeout = kWait) {
  return next_event_named(c, "room.event", timeout);
}

}  // namespace musubi::testing
