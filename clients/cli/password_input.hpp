#pragma once

#include <string>

namespace musubi::cli {

// Reads a password: the first line of stdin when stdin is not a terminal (scripts, tests), else
// prompts on stderr ("Password for LOGIN: ") and reads without echo. A trailing "\r\n" or "\n" is
// dropped. The terminal's echo is restored even when interrupted by Ctrl-C. Throws CliError when
// nothing can be read.
std::string read_password(const std::string& login);

// Reads a one-time code (TOTP or recovery code) the same way: the next line of stdin, or a
// prompt on a terminal.
std::string read_one_time_code();

}  // namespace musubi::cli
