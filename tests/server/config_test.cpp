#include "server/config.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace musubi::server {
namespace {

class ConfigFile : public ::testing::Test {
 protected:
  // Writes `text` as the config file and loads it over `config_`.
  void load(const std::string& text) {
    std::ofstream(file()) << text;
    load_config_file(file(), config_);
  }

  // The message of the error loading `text` gives; empty when it loads.
  std::string error_of(const std::string& text) {
    try {
      load(text);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path file() const { return dir_.path() / "musubid.toml"; }
  std::string prefix() const { return file().string() + ": "; }

  musubi::testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(ConfigFile, EmptyFileKeepsEveryDefault) {
  load("");
  const ServerConfig defaults;
  EXPECT_EQ(config_.listen, "127.0.0.1:8443");
  EXPECT_EQ(config_.data_dir, "var");
  EXPECT_EQ(config_.threads, 0u);
  EXPECT_EQ(config_.limits.max_frame_bytes, defaults.limits.max_frame_bytes);
  EXPECT_EQ(config_.storage.synchronous, "FULL");
  EXPECT_EQ(config_.security.argon2_ops, 2u);
  EXPECT_TRUE(config_.security.allowed_origins.empty());
  EXPECT_EQ(config_.security.two_factor_roles, std::vector<std::string>{"city_admin"});
  EXPECT_EQ(config_.timeouts.revocation_poll_ms, 500);
}

TEST_F(ConfigFile, TwoFactorRolesMustBeNetworkRoles) {
  EXPECT_EQ(
      error_of("[security]\ntwo_factor_roles = [\"city_admin\", \"admin\"]\n"),
      prefix() +
          "security.two_factor_roles: unknown role \"admin\" (city_admin, org_contact, member)");
  load("[security]\ntwo_factor_roles = []\n");
  EXPECT_TRUE(config_.security.two_factor_roles.empty());
}

TEST_F(ConfigFile, ReadsEverySection) {
  load(R"toml(
# musubid configuration
listen = "[::1]:9443"
data = "/var/lib/musubi"
cert = "/etc/musubi/cert.pem"
key = "/etc/musubi/key.pem"
threads = 4

[limits]
max_frame_bytes = 131072
max_json_depth = 8
max_text_chars = 5000
requests_per_second = 12.5
request_burst = 30.0
send_queue_bytes = 1048576
max_connections_per_address = 64
max_failed_signins = 3
lockout_seconds = 60
max_lockout_seconds = 7200
max_failed_signins_per_address = 50
max_address_wait_seconds = 120

[storage]
synchronous = "NORMAL"
readers = 4
max_batch = 250
commit_interval_us = 500

[security]
token_ttl_days = 7
shared_device_idle_minutes = 15
argon2_ops = 3
argon2_memory_kib = 131072
allowed_origins = ["https://musubi.example.jp", "https://care.example.jp"]
two_factor_roles = ["city_admin", "org_contact"]

[timeouts]
tls_handshake_seconds = 5
http_request_seconds = 15
websocket_idle_seconds = 120
close_seconds = 2
shutdown_seconds = 20
revocation_poll_ms = 250
)toml");
  EXPECT_EQ(config_.listen, "[::1]:9443");
  EXPECT_EQ(config_.data_dir, "/var/lib/musubi");
  EXPECT_EQ(config_.cert_file, "/etc/musubi/cert.pem");
  EXPECT_EQ(config_.key_file, "/etc/musubi/key.pem");
  EXPECT_EQ(config_.threads, 4u);
  EXPECT_EQ(config_.database_path(), "/var/lib/musubi/musubi.db");

  const auto& l = config_.limits;
  EXPECT_EQ(l.max_frame_bytes, 131072u);
  EXPECT_EQ(l.max_json_depth, 8u);
  EXPECT_EQ(l.max_text_chars, 5000u);
  EXPECT_DOUBLE_EQ(l.requests_per_second, 12.5);
  EXPECT_DOUBLE_EQ(l.request_burst, 30.0);
  EXPECT_EQ(l.send_queue_bytes, 1048576u);
  EXPECT_EQ(l.max_connections_per_address, 64u);
  EXPECT_EQ(l.max_failed_signins, 3);
  EXPECT_EQ(l.lockout_seconds, 60);
  EXPECT_EQ(l.max_lockout_seconds, 7200);
  EXPECT_EQ(l.max_failed_signins_per_address, 50);
  EXPECT_EQ(l.max_address_wait_seconds, 120);

  EXPECT_EQ(config_.storage.synchronous, "NORMAL");
  EXPECT_EQ(config_.storage.readers, 4);
  EXPECT_EQ(config_.storage.max_batch, 250u);
  EXPECT_EQ(config_.storage.commit_interval_us, 500);

  EXPECT_EQ(config_.security.token_ttl_days, 7);
  EXPECT_EQ(config_.security.shared_device_idle_minutes, 15);
  EXPECT_EQ(config_.security.argon2_ops, 3u);
  EXPECT_EQ(config_.security.argon2_memory_kib, 131072u);
  EXPECT_EQ(config_.security.allowed_origins,
            (std::vector<std::string>{"https://musubi.example.jp", "https://care.example.jp"}));
  EXPECT_EQ(config_.security.two_factor_roles,
            (std::vector<std::string>{"city_admin", "org_contact"}));

  const auto& t = config_.timeouts;
  EXPECT_EQ(t.tls_handshake_seconds, 5);
  EXPECT_EQ(t.http_request_seconds, 15);
  EXPECT_EQ(t.websocket_idle_seconds, 120);
  EXPECT_EQ(t.close_seconds, 2);
  EXPECT_EQ(t.shutdown_seconds, 20);
  EXPECT_EQ(t.revocation_poll_ms, 250);
}

TEST_F(ConfigFile, OnlyTheGivenKeysChange) {
  config_.limits.max_text_chars = 123;  // as if set earlier
  load("[limits]\nmax_json_depth = 4\n");
  EXPECT_EQ(config_.limits.max_json_depth, 4u);
  EXPECT_EQ(config_.limits.max_text_chars, 123u);
  EXPECT_EQ(config_.listen, "127.0.0.1:8443");
}

TEST_F(ConfigFile, IntegerIsAcceptedForADecimalSetting) {
  load("[limits]\nrequests_per_second = 20\n");
  EXPECT_DOUBLE_EQ(config_.limits.requests_per_second, 20.0);
}

TEST_F(ConfigFile, UnknownTopLevelKeyIsRefusedByName) {
  EXPECT_EQ(error_of("listen = \"127.0.0.1:1\"\nlisten_port = 8443\n"),
            prefix() + "unknown setting listen_port");
}

TEST_F(ConfigFile, UnknownKeyInASectionIsRefusedWithItsPath) {
  EXPECT_EQ(error_of("[limits]\nmax_fram_bytes = 1024\n"),
            prefix() + "unknown setting limits.max_fram_bytes");
  EXPECT_EQ(error_of("[storage]\nreader = 2\n"), prefix() + "unknown setting storage.reader");
  EXPECT_EQ(error_of("[security]\nallowed_origin = []\n"),
            prefix() + "unknown setting security.allowed_origin");
  EXPECT_EQ(error_of("[timeouts]\nidle = 3\n"), prefix() + "unknown setting timeouts.idle");
}

TEST_F(ConfigFile, UnknownSectionIsRefused) {
  EXPECT_EQ(error_of("[limit]\nmax_json_depth = 4\n"), prefix() + "unknown setting limit");
}

TEST_F(ConfigFile, WrongTypesAreRefusedByName) {
  EXPECT_EQ(error_of("listen = 8443\n"), prefix() + "listen: wrong type");
  EXPECT_EQ(error_of("threads = \"4\"\n"), prefix() + "threads: wrong type");
  EXPECT_EQ(error_of("[limits]\nmax_frame_bytes = \"64k\"\n"),
            prefix() + "limits.max_frame_bytes: wrong type");
  EXPECT_EQ(error_of("[limits]\nmax_frame_bytes = 1.5\n"),
            prefix() + "limits.max_frame_bytes: wrong type");
  EXPECT_EQ(error_of("[limits]\nrequests_per_second = \"fast\"\n"),
            prefix() + "limits.requests_per_second: wrong type");
  EXPECT_EQ(error_of("[storage]\nsynchronous = true\n"),
            prefix() + "storage.synchronous: wrong type");
  EXPECT_EQ(error_of("[security]\nallowed_origins = \"https://a.example\"\n"),
            prefix() + "security.allowed_origins: wrong type");
}

TEST_F(ConfigFile, NegativeNumbersAreRefusedForCounts) {
  EXPECT_EQ(error_of("[storage]\nreaders = -1\n"), prefix() + "storage.readers: wrong type");
  EXPECT_EQ(error_of("[timeouts]\nclose_seconds = -5\n"),
            prefix() + "timeouts.close_seconds: wrong type");
}

TEST_F(ConfigFile, CommitIntervalIsBounded) {
  EXPECT_EQ(error_of("[storage]\ncommit_interval_us = 100001\n"),
            prefix() + "storage.commit_interval_us: at most 100000 (0.1 s)");
  EXPECT_EQ(error_of("[storage]\ncommit_interval_us = -1\n"),
            prefix() + "storage.commit_interval_us: wrong type");
  EXPECT_EQ(error_of("[storage]\ncommit_interval_us = 0\n"), "");
  EXPECT_EQ(config_.storage.commit_interval_us, 0);
}

TEST_F(ConfigFile, SessionLifetimesKeepTheTwoKindsApart) {
  // A shared device's lifetime stays under a day, a remembered device's at least a day: the
  // server tells a session's kind by its window (server/session_token.hpp).
  EXPECT_EQ(error_of("[security]\nshared_device_idle_minutes = 1440\n"),
            prefix() + "security.shared_device_idle_minutes: 1 to 1439 (under a day)");
  EXPECT_EQ(error_of("[security]\nshared_device_idle_minutes = 0\n"),
            prefix() + "security.shared_device_idle_minutes: 1 to 1439 (under a day)");
  EXPECT_EQ(error_of("[security]\ntoken_ttl_days = 0\n"),
            prefix() + "security.token_ttl_days: at least 1");
  EXPECT_EQ(error_of("[security]\nshared_device_idle_minutes = 1439\ntoken_ttl_days = 1\n"), "");
}

TEST_F(ConfigFile, OriginsMustAllBeStrings) {
  EXPECT_EQ(error_of("[security]\nallowed_origins = [\"https://a.example\", 3]\n"),
            prefix() + "security.allowed_origins: expected an array of strings");
}

TEST_F(ConfigFile, SectionMustBeATable) {
  EXPECT_EQ(error_of("limits = 5\n"), prefix() + "limits: expected a table");
}

TEST_F(ConfigFile, SyntaxErrorNamesTheFile) {
  const auto error = error_of("listen = \n");
  EXPECT_TRUE(error.starts_with(prefix())) << error;
  EXPECT_GT(error.size(), prefix().size()) << error;
}

TEST_F(ConfigFile, MissingFileIsAnError) {
  EXPECT_THROW(load_config_file(dir_.path() / "absent.toml", config_), std::runtime_error);
}

TEST_F(ConfigFile, OutOfRangeIntegerIsRefusedNotTruncated) {
  // Regression (fixed): server/config.cpp:36 casts the int64 read from TOML straight to the field's
  // type, so 4294967303 becomes 7 for an int field (and a huge max_text_chars silently wraps for
  // narrower types): a typo'd limit is silently replaced by a different one.
  EXPECT_NE(error_of("[limits]\nmax_failed_signins = 4294967303\n"), "");
  EXPECT_NE(error_of("[timeouts]\nclose_seconds = 4294967296\n"), "");
}

TEST_F(ConfigFile, RetentionKeepsClosedRoomsFiveYearsByDefault) {
  EXPECT_EQ(config_.retention.closed_room_years, 5);
  load("[retention]\nclosed_room_years = 10\n");
  EXPECT_EQ(config_.retention.closed_room_years, 10);
  load("[retention]\nclosed_room_years = 0\n");  // forever
  EXPECT_EQ(config_.retention.closed_room_years, 0);
}

TEST_F(ConfigFile, RetentionShorterThanFiveYearsIsRefusedAtLoad) {
  EXPECT_EQ(error_of("[retention]\nclosed_room_years = 4\n"),
            prefix() +
                "retention.closed_room_years: must be 0 (keep closed rooms forever) or at least 5 "
                "years (診療録: 5 years after the end of care, 医師法 第24条), got 4");
  EXPECT_NE(error_of("[retention]\nclosed_room_years = 1\n"), "");
  EXPECT_NE(error_of("[retention]\nclosed_room_years = 101\n"), "");
  EXPECT_NE(error_of("[retention]\nclosed_room_years = -5\n"), "");
  EXPECT_NE(error_of("[retention]\nclosed_room_years = 5.5\n"), "");
  EXPECT_NE(error_of("[retention]\nclosed_room_days = 5\n"), "");
}

// --- parse_listen_address --------------------------------------------------------------------

TEST(ParseListenAddress, Ipv4) {
  const auto a = parse_listen_address("127.0.0.1:8443");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8443);
}

TEST(ParseListenAddress, BracketedIpv6) {
  const auto a = parse_listen_address("[::1]:8443");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 8443);
  const auto any = parse_listen_address("[::]:443");
  EXPECT_EQ(any.host, "::");
  EXPECT_EQ(any.port, 443);
}

TEST(ParseListenAddress, HostNameAndPortRange) {
  EXPECT_EQ(parse_listen_address("localhost:0").port, 0);
  EXPECT_EQ(parse_listen_address("localhost:0").host, "localhost");
  EXPECT_EQ(parse_listen_address("0.0.0.0:65535").port, 65535);
}

std::string listen_error(const std::string& text) {
  try {
    parse_listen_address(text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ParseListenAddress, RefusesMissingParts) {
  EXPECT_EQ(listen_error("localhost"), "listen address must be HOST:PORT, got \"localhost\"");
  EXPECT_EQ(listen_error(":8443"), "listen address must be HOST:PORT, got \":8443\"");
  EXPECT_EQ(listen_error("localhost:"), "listen address must be HOST:PORT, got \"localhost:\"");
  EXPECT_EQ(listen_error(""), "listen address must be HOST:PORT, got \"\"");
}

TEST(ParseListenAddress, RefusesBadPorts) {
  EXPECT_EQ(listen_error("localhost:65536"), "listen port must be 0-65535, got \"65536\"");
  EXPECT_EQ(listen_error("localhost:http"), "listen port must be 0-65535, got \"http\"");
  EXPECT_EQ(listen_error("localhost:80x"), "listen port must be 0-65535, got \"80x\"");
  EXPECT_EQ(listen_error("localhost:-1"), "listen port must be 0-65535, got \"-1\"");
  EXPECT_EQ(listen_error("localhost:99999999999999999999"),
            "listen port must be 0-65535, got \"99999999999999999999\"");
}

TEST(ParseListenAddress, BracketedIpv6WithoutPortIsRefused) {
  EXPECT_THROW(parse_listen_address("[::1]"), std::runtime_error);
}

}  // namespace
}  // namespace musubi::server

namespace musubi::server {
namespace {

TEST(ExampleConfig, LoadsAndMatchesTheDefaults) {
  // docs/musubid.example.toml documents every setting with its default: it must stay loadable and
  // true.
  ServerConfig loaded;
  load_config_file(std::filesystem::path(MUSUBI_SOURCE_DIR) / "docs" / "musubid.example.toml",
                   loaded);
  const ServerConfig defaults;
  EXPECT_EQ(loaded.municipality, defaults.municipality);
  EXPECT_EQ(loaded.listen, defaults.listen);
  EXPECT_EQ(loaded.data_dir, std::filesystem::path("./var"));
  EXPECT_EQ(loaded.threads, defaults.threads);
  EXPECT_EQ(loaded.limits.max_frame_bytes, defaults.limits.max_frame_bytes);
  EXPECT_EQ(loaded.limits.max_json_depth, defaults.limits.max_json_depth);
  EXPECT_EQ(loaded.limits.max_text_chars, defaults.limits.max_text_chars);
  EXPECT_EQ(loaded.limits.requests_per_second, defaults.limits.requests_per_second);
  EXPECT_EQ(loaded.limits.request_burst, defaults.limits.request_burst);
  EXPECT_EQ(loaded.limits.send_queue_bytes, defaults.limits.send_queue_bytes);
  EXPECT_EQ(loaded.limits.max_connections_per_address, defaults.limits.max_connections_per_address);
  EXPECT_EQ(loaded.limits.max_failed_signins, defaults.limits.max_failed_signins);
  EXPECT_EQ(loaded.limits.lockout_seconds, defaults.limits.lockout_seconds);
  EXPECT_EQ(loaded.limits.max_lockout_seconds, defaults.limits.max_lockout_seconds);
  EXPECT_EQ(loaded.storage.synchronous, defaults.storage.synchronous);
  EXPECT_EQ(loaded.storage.readers, defaults.storage.readers);
  EXPECT_EQ(loaded.storage.max_batch, defaults.storage.max_batch);
  EXPECT_EQ(loaded.storage.commit_interval_us, defaults.storage.commit_interval_us);
  EXPECT_EQ(loaded.security.token_ttl_days, defaults.security.token_ttl_days);
  EXPECT_EQ(loaded.security.shared_device_idle_minutes,
            defaults.security.shared_device_idle_minutes);
  EXPECT_EQ(loaded.security.argon2_ops, defaults.security.argon2_ops);
  EXPECT_EQ(loaded.security.argon2_memory_kib, defaults.security.argon2_memory_kib);
  EXPECT_EQ(loaded.security.allowed_origins, defaults.security.allowed_origins);
  EXPECT_EQ(loaded.timeouts.tls_handshake_seconds, defaults.timeouts.tls_handshake_seconds);
  EXPECT_EQ(loaded.timeouts.http_request_seconds, defaults.timeouts.http_request_seconds);
  EXPECT_EQ(loaded.timeouts.websocket_idle_seconds, defaults.timeouts.websocket_idle_seconds);
  EXPECT_EQ(loaded.timeouts.close_seconds, defaults.timeouts.close_seconds);
  EXPECT_EQ(loaded.timeouts.shutdown_seconds, defaults.timeouts.shutdown_seconds);
  EXPECT_EQ(loaded.timeouts.revocation_poll_ms, defaults.timeouts.revocation_poll_ms);
  EXPECT_EQ(loaded.retention.closed_room_years, defaults.retention.closed_room_years);
}

}  // namespace
}  // namespace musubi::server
