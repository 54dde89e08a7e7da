// Fuzz target: a record's content checked against the clinical templates, as room.post_record
// and room.correct do. The input is the content's JSON text; it is validated against every
// embedded template. Besides not crashing, validate(), validate_all() and matches() must agree,
// and an error must say where and why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/json_depth.hpp"
#include "protocol/template_catalog.hpp"

namespace {

using musubi::protocol::JsonSchema;

// A record's content sits two levels down a frame (frame, body) that may nest 16 deep.
constexpr std::size_t kMaxContentDepth = 14;

void check_against(const JsonSchema& schema, const nlohmann::json& content) {
  const auto first = schema.validate(content);
  const auto all = schema.validate_all(content);
  const bool matches = schema.matches(content);
  if (matches != !first.has_value()) std::abort();
  if (all.empty() != !first.has_value()) std::abort();
  if (!first) return;
  if (all.front() != *first) std::abort();
  if (all.size() > JsonSchema::kMaxErrors) std::abort();
  for (const auto& error : all) {
    if (error.message.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The server refuses deeper frames before parsing them; so does this.
  if (musubi::protocol::json_nesting_depth(text, kMaxContentDepth) > kMaxContentDepth) return 0;
  const auto content = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (content.is_discarded()) return 0;
  for (const auto& tpl : musubi::protocol::TemplateCatalog::embedded().all())
    check_against(*tpl.validator, content);
  return 0;
}
