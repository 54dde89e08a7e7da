#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/json_schema.hpp"

namespace musubi::protocol {

// One structured-record template: a JSON Schema from protocol/schemas/templates/, compiled.
struct Template {
  std::string id;        // the file name: "acp_decision"
  int version = 1;       // "x-version"
  std::string title_ja;  // "title"
  std::string title_en;  // "x-label-en"
  nlohmann::json schema;
  std::shared_ptr<const JsonSchema> validator;
};

// The templates this build knows. They are compiled into the binary (from the JSON files at
// build time), so a server and its clients always agree on them.
class TemplateCatalog {
 public:
  // The embedded templates, compiled on first use; a schema the validator cannot compile is a
  // build defect and throws std::invalid_argument naming the template.
  static const TemplateCatalog& embedded();

  const Template* find(std::string_view id) const;
  const std::vector<Template>& all() const { return templates_; }

 private:
  std::vector<Template> templates_;
};

}  // namespace musubi::protocol
