#pragma once

// A test with its own scratch directory, a running musubid in it and helpers to make people.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_user.hpp"
#include "tests/cli/musubid_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace musubi::testing {

inline constexpr const char* kUserPassword = "correct horse battery staple";

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Musubid>(dir_.path() / "server");
    server_->start();
    ASSERT_TRUE(server_->bootstrap_password().has_value()) << server_->banner();
  }

  Musubid& server() { return *server_; }

  // A CLI identity with its own MUSUBI_HOME (created by the CLI itself on login).
  CliUser user(const std::string& name) const { return CliUser(dir_.path() / ("home-" + name)); }

  // The administrator, logged in with the bootstrap password.
  CliUser admin() {
    CliUser admin = user("admin");
    admin.login(*server_, "admin", *server_->bootstrap_password());
    return admin;
  }

  // `musubid user add` and `musubi login` in a home of their own.
  CliUser signed_in_user(const std::string& login, const std::string& name) {
    server_->add_user(login, name, kUserPassword);
    CliUser u = user(login);
    u.login(*server_, login, kUserPassword);
    return u;
  }

  TempDir dir_;
  std::unique_ptr<Musubid> server_;
};

}  // namespace musubi::testing
