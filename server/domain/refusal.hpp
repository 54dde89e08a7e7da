#pragma once

#include <string>
#include <string_view>

namespace musubi::domain {

// A domain rule said no: a stable code (documented in PROTOCOL.md, sent as the error code) and
// a message naming the rule.
struct Refusal {
  std::string_view code;
  std::string message;
};

}  // namespace musubi::domain
