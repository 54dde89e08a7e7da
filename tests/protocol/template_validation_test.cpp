// Every template as the server validates it (the embedded catalog and the C++ validator): the
// example files, and variants generated from each full example by walking its schema: every
// required field removed, every field given a value of the wrong type, every enumeration given a
// value outside it. Each must be refused with an error naming that field.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "protocol/template_catalog.hpp"
#include "tests/support/template_examples.hpp"

namespace musubi::protocol {
namespace {

using musubi::testing::read_first_line;
using musubi::testing::read_json;
using musubi::testing::template_examples;
using nlohmann::json;
namespace fs = std::filesystem;

// The subschema a local $ref ("#/$defs/name") points at, followed until it is not a $ref.
const json* deref(const json& root, const json* schema) {
  for (int hops = 0; schema->is_object() && schema->contains("$ref") && hops < 16; ++hops) {
    const auto ref = (*schema)["$ref"].get<std::string>();
    schema = &root.at(json::json_pointer(ref.substr(1)));
  }
  return schema;
}

// The declared type names of a (dereferenced) schema; empty when it declares none.
std::vector<std::string> types_of(const json& schema) {
  if (!schema.contains("type")) return {};
  if (schema["type"].is_string()) return {schema["type"].get<std::string>()};
  return schema["type"].get<std::vector<std::string>>();
}

// A value none of `types` accepts.
json wrong_type(const std::vector<std::string>& types) {
  const auto has = [&](const char* t) {
    return std::find(types.begin(), types.end(), t) != types.end();
  };
  if (!has("object")) return json::object({{"x", 1}});
  if (!has("string")) return "wrong";
  return true;  // an object-or-string field: a boolean fits neither
}

struct Variant {
  json instance;
  std::string path;  // where the error must be reported
  std::string what;
};

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// Walks `value` (a part of the full example at `pointer`) with its schema, adding variants.
void collect(const json& root_schema, const json& schema_in, const json& example,
             const json::json_pointer& pointer, const std::string& path,
             std::vector<Variant>& out) {
  const json& schema = *deref(root_schema, &schema_in);
  const json& value = example.at(pointer);
  if (value.is_object() && schema.contains("properties")) {
    for (const auto& name : schema.value("required", json::array())) {
      json changed = example;
      changed.at(pointer).erase(name.get<std::string>());
      out.push_back({std::move(changed), child_path(path, name), "missing"});
    }
    for (const auto& [key, sub] : schema["properties"].items()) {
      if (!value.contains(key)) continue;
      const json& field = *deref(root_schema, &sub);
      const auto field_path = child_path(path, key);
      const auto types = types_of(field);
      if (!types.empty()) {
        json changed = example;
        changed.at(pointer / key) = wrong_type(types);
        out.push_back({std::move(changed), field_path, "wrong type"});
      }
      if (field.contains("enum") && value[key].is_string()) {
        json changed = example;
        changed.at(pointer / key) = "not-one-of-the-choices";
        out.push_back({std::move(changed), field_path, "not in enum"});
      }
      collect(root_schema, sub, example, pointer / key, field_path, out);
    }
  } else if (value.is_array() && schema.contains("items") && !value.empty()) {
    const auto item_path = path + "[0]";
    const json& item = *deref(root_schema, &schema["items"]);
    if (item.contains("enum") && value[0].is_string()) {
      json changed = example;
      changed.at(pointer / 0) = "not-one-of-the-choices";
      out.push_back({std::move(changed), item_path, "not in enum"});
    }
    collect(root_schema, schema["items"], example, pointer / 0, item_path, out);
  }
}

class TemplateExamples : public ::testing::TestWithParam<std::string> {
 protected:
  const protocol::Template& tpl() const {
    const auto* t = TemplateCatalog::embedded().find(GetParam());
    if (!t) throw std::runtime_error("no template " + GetParam());
    return *t;
  }
};

TEST_P(TemplateExamples, ValidExamplesPass) {
  const auto files = template_examples(GetParam(), "valid-");
  ASSERT_GE(files.size(), 2u);
  for (const auto& file : files) {
    const auto error = tpl().validator->validate(read_json(file));
    EXPECT_FALSE(error) << file.filename() << ": " << error->path << ": " << error->message;
  }
}

TEST_P(TemplateExamples, InvalidExamplesAreRefusedNamingTheField) {
  const auto files = template_examples(GetParam(), "invalid-");
  ASSERT_GE(files.size(), 5u);
  for (const auto& file : files) {
    auto expect = file;
    expect.replace_extension(".expect");
    const auto error = tpl().validator->validate(read_json(file));
    ASSERT_TRUE(error) << file.filename() << " passed";
    EXPECT_EQ(error->path, read_first_line(expect)) << file.filename() << ": " << error->message;
    EXPECT_FALSE(error->message.empty());
  }
}

TEST_P(TemplateExamples, EveryRequiredFieldTypeAndEnumerationIsEnforced) {
  std::size_t checked = 0;
  std::map<std::string, std::size_t> by_kind;
  for (const auto& file : template_examples(GetParam(), "valid-full")) {
    const auto example = read_json(file);
    std::vector<Variant> variants;
    collect(tpl().schema, tpl().schema, example, json::json_pointer(), "", variants);
    for (const auto& v : variants) {
      const auto errors = tpl().validator->validate_all(v.instance);
      const bool named = std::any_of(errors.begin(), errors.end(),
                                     [&](const SchemaError& e) { return e.path == v.path; });
      EXPECT_TRUE(named) << file.filename() << ": " << v.what << " at " << v.path
                         << " not reported there"
                         << (errors.empty() ? " (accepted)"
                                            : " (first error at " + errors[0].path + ": " +
                                                  errors[0].message + ")");
      ++checked;
      ++by_kind[v.what];
    }
  }
  // The walk really covered the template: required fields, types and enumerations alike.
  EXPECT_GT(by_kind["missing"], 0u);
  EXPECT_GT(by_kind["wrong type"], 10u);
  EXPECT_GT(checked, 20u);
}

TEST(TemplateCatalog, HasEveryTemplateWithLabelsInBothLanguages) {
  const auto& all = TemplateCatalog::embedded().all();
  std::vector<std::string> ids;
  for (const auto& t : all) {
    ids.push_back(t.id);
    EXPECT_FALSE(t.title_ja.empty());
    EXPECT_NE(t.title_ja, t.title_en) << t.id;
    // Version 2 of the emergency plan added contacts[].member (whom an emergency call alerts).
    EXPECT_EQ(t.version, t.id == "emergency_plan" ? 2 : 1) << t.id;
  }
  EXPECT_EQ(ids,
            (std::vector<std::string>{"acp_decision", "admission_info", "daily_care_note",
                                      "discharge_summary", "emergency_plan", "end_of_life_note"}));
  EXPECT_EQ(TemplateCatalog::embedded().find("no_such_template"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(All, TemplateExamples,
                         ::testing::Values("discharge_summary", "admission_info", "acp_decision",
                                           "emergency_plan", "end_of_life_note",
                                           "daily_care_note"));

}  // namespace
}  // namespace musubi::protocol
