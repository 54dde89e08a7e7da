#include "protocol/template_catalog.hpp"

#include <stdexcept>

namespace musubi::protocol {

// Generated at build time from schemas/templates/*.json (templates_embedded.cpp.in).
struct EmbeddedTemplate {
  const char* id;
  const char* text;
};
extern const EmbeddedTemplate kEmbeddedTemplates[];
extern const std::size_t kEmbeddedTemplateCount;

const TemplateCatalog& TemplateCatalog::embedded() {
  static const TemplateCatalog catalog = [] {
    TemplateCatalog c;
    for (std::size_t i = 0; i < kEmbeddedTemplateCount; ++i) {
      const auto& e = kEmbeddedTemplates[i];
      Template t;
      t.id = e.id;
      t.schema = nlohmann::json::parse(e.text);
      t.version = t.schema.value("x-version", 1);
      t.title_ja = t.schema.value("title", t.id);
      t.title_en = t.schema.value("x-label-en", t.id);
      try {
        t.validator = std::make_shared<const JsonSchema>(t.schema);
      } catch (const std::exception& ex) {
        throw std::invalid_argument("template " + t.id + ": " + ex.what());
      }
      c.templates_.push_back(std::move(t));
    }
    return c;
  }();
  return catalog;
}

const Template* TemplateCatalog::find(std::string_view id) const {
  for (const auto& t : templates_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

}  // namespace musubi::protocol
