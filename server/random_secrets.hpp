#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::server {

// Random secrets and identifiers. Session tokens: 256 random bits, given to the client once as text
// ("mst_" + base64url); the server keeps only their SHA-256.
using TokenHash = std::array<unsigned char, 32>;

std::string new_session_token();

// `count` random bytes from the operating system's generator (e.g. a TOTP secret).
std::vector<unsigned char> random_bytes(std::size_t count);
TokenHash hash_token(std::string_view token);

// Random lowercase base32 text of `length` characters (5 random bits each), for public ids
// such as room ids that must not be guessable or enumerable.
std::string random_base32(std::size_t length);

// A password for the bootstrap administrator: 20 base32 characters in groups of 5.
std::string new_bootstrap_password();

}  // namespace musubi::server
