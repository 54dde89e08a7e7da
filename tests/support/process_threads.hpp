#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace musubi::testing {

// This process's threads as /proc shows them: for tests of thread names and priorities.

// The ids of the threads called `name`, once there are at least `count` of them (or whatever there
// is at the deadline).
std::vector<std::string> threads_named(
    const std::string& name, std::size_t count = 1,
    std::chrono::milliseconds deadline = std::chrono::seconds(5));

// The nice value of thread `tid` (field 19 of its stat line).
int nice_of(const std::string& tid);

}  // namespace musubi::testing
