#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace musubi::testing {

// Example records of every template: tests/protocol/templates/<template>/valid-*.json and
// invalid-*.json, each invalid one with a .expect file naming the field its error must name.
inline const std::filesystem::path kTemplateExamples =
    std::filesystem::path(MUSUBI_SOURCE_DIR) / "tests" / "protocol" / "templates";

inline nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

// The first line of a file, without its line break (an .expect file).
inline std::string read_first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The examples of one template whose name starts with `prefix` ("valid-", "invalid-",
// "valid-full"), sorted by name.
inline std::vector<std::filesystem::path> template_examples(const std::string& id,
                                                            const std::string& prefix) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(kTemplateExamples / id)) {
    const auto name = e.path().filename().string();
    if (name.starts_with(prefix) && e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace musubi::testing
