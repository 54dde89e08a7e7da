#include "tests/support/process_threads.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace musubi::testing {

namespace {

std::string read_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::vector<std::string> threads_named(const std::string& name, std::size_t count,
                                       std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::vector<std::string> found;
  for (;;) {
    found.clear();
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      if (read_line(task.path() / "comm") == name) found.push_back(task.path().filename().string());
    }
    if (found.size() >= count || std::chrono::steady_clock::now() >= until) return found;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int nice_of(const std::string& tid) {
  const auto stat = read_line("/proc/self/task/" + tid + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  for (int i = 3; i <= 19; ++i)
    fields >> field;
  return std::stoi(field);
}

}  // namespace musubi::testing
