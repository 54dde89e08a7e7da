#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/fhir/discharge_bundle.hpp"
#include "protocol/template_catalog.hpp"

// Besides these checks, the ctest protocol_fhir_bundles_dump runs DumpsEveryBundle to write every
// bundle built here to ${build}/fhir-bundles/, where protocol_fhir_bundles_match_r4_schema checks
// it against the official FHIR R4 JSON Schema and parses every narrative div as XML.

namespace musubi::protocol::fhir {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kSourceDir = MUSUBI_SOURCE_DIR;
const fs::path kFixtureDir = kSourceDir / "tests/protocol/fhir";
const fs::path kTemplateExampleDir = kSourceDir / "tests/protocol/templates/discharge_summary";

json load(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return json::parse(in);
}

// Our own fixtures, then the template's valid examples when they exist, as (name, content).
std::vector<std::pair<std::string, json>> all_examples() {
  std::vector<std::pair<std::string, json>> out;
  out.emplace_back("discharge_full", load(kFixtureDir / "discharge_full.json"));
  out.emplace_back("discharge_minimal", load(kFixtureDir / "discharge_minimal.json"));
  std::vector<fs::path> examples;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kTemplateExampleDir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("valid-") && name.ends_with(".json")) examples.push_back(e.path());
  }
  std::sort(examples.begin(), examples.end());
  for (const auto& p : examples)
    out.emplace_back("template-" + p.stem().string(), load(p));
  return out;
}

PatientFacts patient_facts() {
  return {"p_7f3a", "山田　太郎", "ヤマダ タロウ", "1940-02-29", "male", "横浜市中区1-2-3"};
}
AuthorFacts poster_facts() {
  return {"hanako.nurse", "鈴木 花子", "nurse", "みなと訪問看護ステーション"};
}
RecordFacts record_facts() {
  return {"r_abc123", 42, 57, "2026-10-21T01:02:03.456Z"};
}

json bundle_for(const json& content) {
  return discharge_bundle(content, patient_facts(), poster_facts(), record_facts());
}

// Calls `visit` on every JSON value in `j`, depth first.
void walk(const json& j, const std::function<void(const json&)>& visit) {
  visit(j);
  if (j.is_structured()) {
    for (const auto& v : j)
      walk(v, visit);
  }
}

const json* find_entry(const json& bundle, const std::string& full_url) {
  for (const auto& e : bundle["entry"]) {
    if (e["fullUrl"] == full_url) return &e["resource"];
  }
  return nullptr;
}

std::vector<json> resources_of(const json& bundle, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == type) out.push_back(e["resource"]);
  }
  return out;
}

// Every section, nested ones included.
std::vector<json> all_sections(const json& composition) {
  std::vector<json> out;
  std::function<void(const json&)> collect = [&](const json& sections) {
    for (const auto& s : sections) {
      out.push_back(s);
      if (s.contains("section")) collect(s["section"]);
    }
  };
  collect(composition["section"]);
  return out;
}

// The section (at any depth) with a coding of `code`, or null.
json section_with_code(const json& composition, const std::string& code) {
  for (const auto& s : all_sections(composition)) {
    for (const auto& c : s["code"]["coding"]) {
      if (c["code"] == code) return s;
    }
  }
  return nullptr;
}

TEST(FhirDischargeBundle, FixturesAreValidRecords) {
  const auto* t = TemplateCatalog::embedded().find("discharge_summary");
  ASSERT_NE(t, nullptr);
  for (const auto& [name, content] : all_examples()) {
    const auto error = t->validator->validate(content);
    EXPECT_FALSE(error.has_value()) << name << ": " << error->path << " " << error->message;
  }
}

TEST(FhirDischargeBundle, IsADocumentBundle) {
  for (const auto& [name, content] : all_examples()) {
    SCOPED_TRACE(name);
    const json b = bundle_for(content);
    EXPECT_EQ(b["resourceType"], "Bundle");
    EXPECT_EQ(b["type"], "document");
    EXPECT_EQ(b["identifier"]["system"], "urn:musubi:record-revision");
    EXPECT_EQ(b["identifier"]["value"], "r_abc123/42/57");
    EXPECT_EQ(b["timestamp"], "2026-10-21T01:02:03.456Z");
    ASSERT_TRUE(b["entry"].is_array());
    ASSERT_GE(b["entry"].size(), 4u);
    EXPECT_EQ(b["entry"][0]["resource"]["resourceType"], "Composition");
  }
}

TEST(FhirDischargeBundle, EveryEntryHasAUniqueUuidFullUrlAndAResourceType) {
  for (const auto& [name, content] : all_examples()) {
    SCOPED_TRACE(name);
    const json b = bundle_for(content);
    std::set<std::string> seen;
    for (const auto& e : b["entry"]) {
      ASSERT_TRUE(e.contains("fullUrl"));
      const std::string url = e["fullUrl"];
      EXPECT_TRUE(url.starts_with("urn:uuid:")) << url;
      EXPECT_EQ(url.size(), 9u + 36u) << url;
      EXPECT_TRUE(seen.insert(url).second) << "duplicate " << url;
      ASSERT_TRUE(e.contains("resource"));
      EXPECT_TRUE(e["resource"]["resourceType"].is_string());
      EXPECT_EQ(e["resource"]["id"], url.substr(9));
    }
  }
}

TEST(FhirDischargeBundle, EveryReferenceResolvesToAnEntry) {
  for (const auto& [name, content] : all_examples()) {
    SCOPED_TRACE(name);
    const json b = bundle_for(content);
    std::set<std::string> urls;
    for (const auto& e : b["entry"])
      urls.insert(e["fullUrl"].get<std::string>());
    std::size_t references = 0;
    walk(b, [&](const json& v) {
      if (v.is_object() && v.contains("reference")) {
        ++references;
        ASSERT_TRUE(v["reference"].is_string());
        EXPECT_TRUE(urls.contains(v["reference"].get<std::string>())) << v.dump();
      }
    });
    EXPECT_GE(references, 5u);
  }
}

TEST(FhirDischargeBundle, HasNoEmptyStringsOrNulls) {
  for (const auto& [name, content] : all_examples()) {
    SCOPED_TRACE(name);
    walk(bundle_for(content), [](const json& v) {
      EXPECT_FALSE(v.is_null());
      if (v.is_string()) {
        EXPECT_FALSE(v.get<std::string>().empty());
      }
      if (v.is_structured()) {
        EXPECT_FALSE(v.empty());
      }
    });
  }
}

TEST(FhirDischargeBundle, CompositionHasItsRequiredElements) {
  for (const auto& [name, content] : all_examples()) {
    SCOPED_TRACE(name);
    const json b = bundle_for(content);
    const json& c = b["entry"][0]["resource"];
    EXPECT_EQ(c["status"], "final");
    EXPECT_EQ(c["type"]["coding"][0], (json{{"system", "http://loinc.org"},
                                            {"code", "18842-5"},
                                            {"display", "Discharge summary"}}));
    EXPECT_EQ(c["title"], "退院時サマリー");
    EXPECT_EQ(c["date"], "2026-10-21T01:02:03.456Z");
    EXPECT_EQ(c["identifier"]["value"], "r_abc123/42");
    const json* subject = find_entry(b, c["subject"]["reference"]);
    ASSERT_NE(subject, nullptr);
    EXPECT_EQ((*subject)["resourceType"], "Patient");
    const json* encounter = find_entry(b, c["encounter"]["reference"]);
    ASSERT_NE(encounter, nullptr);
    EXPECT_EQ((*encounter)["resourceType"], "Encounter");
    ASSERT_FALSE(c["author"].empty());
    const json* author = find_entry(b, c["author"][0]["reference"]);
    ASSERT_NE(author, nullptr);
    EXPECT_EQ((*author)["resourceType"], "Practitioner");
    ASSERT_TRUE(c.contains("custodian"));
    EXPECT_EQ((*find_entry(b, c["custodian"]["reference"]))["resourceType"], "Organization");
    EXPECT_EQ(c["event"][0]["period"]["start"], content["basic_info"]["admission_date"]);
  }
}

TEST(FhirDischargeBundle, SectionsHaveACodeAndTextEntriesOrSubsections) {
  for (const auto& [name, content] : all_examples()) {
    SCOPED_TRACE(name);
    const json c = bundle_for(content)["entry"][0]["resource"];
    ASSERT_EQ(c["section"].size(), 1u);
    EXPECT_EQ(c["section"][0]["code"]["coding"][0]["code"], "300");
    for (const auto& s : all_sections(c)) {
      SCOPED_TRACE(s.value("title", "?"));
      EXPECT_TRUE(s["title"].is_string());
      ASSERT_TRUE(s["code"]["coding"].is_array());
      EXPECT_FALSE(s["code"]["coding"].empty());
      EXPECT_TRUE(s.contains("text") || s.contains("entry") || s.contains("section"));
      if (s.contains("text")) {
        const std::string div = s["text"]["div"];
        EXPECT_TRUE(div.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">")) << div;
        EXPECT_TRUE(div.ends_with("</div>")) << div;
        EXPECT_TRUE(s["text"]["status"] == "generated" || s["text"]["status"] == "additional");
      }
    }
    // The required fields always give these two sub-sections.
    EXPECT_FALSE(section_with_code(c, "322").is_null());
    EXPECT_FALSE(section_with_code(c, "344").is_null());
  }
}

TEST(FhirDischargeBundle, FullRecordGivesEverySection) {
  const json b = bundle_for(load(kFixtureDir / "discharge_full.json"));
  const json& c = b["entry"][0]["resource"];
  for (const char* code :
       {"322", "352", "360", "344", "510", "333", "713", "810", "614", "444", "424",
        "home_medical_care", "follow_up_appointments", "services_to_arrange", "key_person"}) {
    EXPECT_FALSE(section_with_code(c, code).is_null()) << code;
  }
  const json dx = section_with_code(c, "344");
  ASSERT_FALSE(dx.is_null());
  EXPECT_EQ(dx["code"]["coding"][0]["system"],
            "http://jpfhir.jp/fhir/clins/CodeSystem/document-section");
  EXPECT_EQ(dx["code"]["coding"][1], (json{{"system", "http://loinc.org"},
                                           {"code", "11535-2"},
                                           {"display", "Hospital discharge Dx Narrative"}}));
  EXPECT_EQ(dx["entry"].size(), 3u);
  EXPECT_EQ(dx["text"]["status"], "generated");
  EXPECT_EQ(section_with_code(c, "444")["entry"].size(), 2u);
  EXPECT_EQ(section_with_code(c, "444")["text"]["status"], "additional");  // medication_notes
  EXPECT_EQ(section_with_code(c, "510")["entry"].size(), 2u);

  EXPECT_EQ(resources_of(b, "Condition").size(), 3u);
  EXPECT_EQ(resources_of(b, "AllergyIntolerance").size(), 2u);
  EXPECT_EQ(resources_of(b, "MedicationRequest").size(), 2u);
  EXPECT_EQ(resources_of(b, "Procedure").size(), 1u);
  EXPECT_EQ(resources_of(b, "DeviceUseStatement").size(), 1u);
  EXPECT_EQ(resources_of(b, "Device").size(), 1u);
  EXPECT_EQ(resources_of(b, "RelatedPerson").size(), 1u);
  EXPECT_EQ(resources_of(b, "Provenance").size(), 1u);
  // The hospital, the author's own department, the poster's station: three organizations.
  EXPECT_EQ(resources_of(b, "Organization").size(), 3u);
}

TEST(FhirDischargeBundle, ConditionsCarryIcd10OnsetAndRole) {
  const json b = bundle_for(load(kFixtureDir / "discharge_full.json"));
  const auto conditions = resources_of(b, "Condition");
  ASSERT_EQ(conditions.size(), 3u);
  EXPECT_EQ(conditions[0]["code"]["coding"][0], (json{{"system", "http://hl7.org/fhir/sid/icd-10"},
                                                      {"code", "J69.0"},
                                                      {"display", "誤嚥性肺炎"}}));
  EXPECT_EQ(conditions[0]["code"]["text"], "誤嚥性肺炎");
  EXPECT_EQ(conditions[0]["onsetDateTime"], "2026-09-30");
  EXPECT_EQ(conditions[1]["onsetDateTime"], "2015");
  EXPECT_EQ(conditions[2]["onsetDateTime"], "2022-04");
  EXPECT_FALSE(conditions[2]["code"].contains("coding"));
  const json encounter = resources_of(b, "Encounter").at(0);
  EXPECT_EQ(encounter["period"], (json{{"start", "2026-10-01"}, {"end", "2026-10-20"}}));
  EXPECT_EQ(encounter["class"]["code"], "IMP");
  EXPECT_EQ(encounter["hospitalization"]["dischargeDisposition"]["coding"][0]["code"], "home");
  ASSERT_EQ(encounter["diagnosis"].size(), 3u);
  EXPECT_EQ(encounter["diagnosis"][0]["rank"], 1);
  EXPECT_EQ(encounter["diagnosis"][0]["use"]["coding"][0]["code"], "DD");
  EXPECT_EQ(encounter["diagnosis"][1]["use"]["coding"][0]["code"], "CM");
}

TEST(FhirDischargeBundle, PatientFollowsJpCore) {
  const json b = bundle_for(load(kFixtureDir / "discharge_minimal.json"));
  const auto patients = resources_of(b, "Patient");
  ASSERT_EQ(patients.size(), 1u);
  const json& p = patients[0];
  EXPECT_EQ(p["meta"]["profile"][0], "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient");
  EXPECT_EQ(p["identifier"][0]["value"], "p_7f3a");
  EXPECT_EQ(p["gender"], "male");
  EXPECT_EQ(p["birthDate"], "1940-02-29");
  EXPECT_EQ(p["address"][0]["text"], "横浜市中区1-2-3");
  ASSERT_EQ(p["name"].size(), 2u);
  const std::string ext = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
  EXPECT_EQ(p["name"][0]["extension"][0], (json{{"url", ext}, {"valueCode", "IDE"}}));
  EXPECT_EQ(p["name"][0]["text"], "山田 太郎");  // the full-width space becomes a half-width one
  EXPECT_EQ(p["name"][0]["family"], "山田");
  EXPECT_EQ(p["name"][0]["given"], json::array({"太郎"}));
  EXPECT_EQ(p["name"][1]["extension"][0], (json{{"url", ext}, {"valueCode", "SYL"}}));
  EXPECT_EQ(p["name"][1]["family"], "ヤマダ");
  EXPECT_EQ(p["name"][1]["given"], json::array({"タロウ"}));
}

TEST(FhirDischargeBundle, PatientWithoutOptionalFacts) {
  PatientFacts p;
  p.public_id = "p_1";
  p.name = "一文字";
  p.sex = "not-a-sex";
  const json b = discharge_bundle(load(kFixtureDir / "discharge_minimal.json"), p, AuthorFacts{},
                                  record_facts());
  const json patient = resources_of(b, "Patient").at(0);
  EXPECT_FALSE(patient.contains("gender"));
  EXPECT_FALSE(patient.contains("birthDate"));
  EXPECT_FALSE(patient.contains("address"));
  ASSERT_EQ(patient["name"].size(), 1u);
  EXPECT_EQ(patient["name"][0]["text"], "一文字");
  EXPECT_FALSE(patient["name"][0].contains("family"));
}

TEST(FhirDischargeBundle, PosterIsTheEntererInAProvenance) {
  const json b = bundle_for(load(kFixtureDir / "discharge_minimal.json"));
  const json prov = resources_of(b, "Provenance").at(0);
  EXPECT_EQ(prov["target"][0]["reference"], b["entry"][0]["fullUrl"]);
  EXPECT_EQ(prov["recorded"], "2026-10-21T01:02:03.456Z");
  EXPECT_EQ(prov["agent"][0]["type"]["coding"][0]["code"], "enterer");
  const json* who = find_entry(b, prov["agent"][0]["who"]["reference"]);
  ASSERT_NE(who, nullptr);
  EXPECT_EQ((*who)["identifier"][0]["value"], "hanako.nurse");
  EXPECT_EQ((*find_entry(b, prov["agent"][0]["onBehalfOf"]["reference"]))["name"],
            "みなと訪問看護ステーション");
}

TEST(FhirDischargeBundle, NarrativeEscapesMarkup) {
  const json b = bundle_for(load(kFixtureDir / "discharge_full.json"));
  const json& c = b["entry"][0]["resource"];
  const std::string history = section_with_code(c, "360")["text"]["div"];
  EXPECT_NE(history.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), std::string::npos)
      << history;
  EXPECT_NE(history.find("<br/>"), std::string::npos);
  const std::string dx = section_with_code(c, "344")["text"]["div"];
  EXPECT_NE(dx.find("SpO2 &lt;90% &amp; 発熱 &gt; 38℃"), std::string::npos) << dx;
  for (const auto& s : all_sections(c)) {
    if (!s.contains("text")) continue;
    const std::string div = s["text"]["div"];
    EXPECT_EQ(div.find("<script"), std::string::npos);
  }
}

TEST(FhirDischargeBundle, XhtmlEscape) {
  EXPECT_EQ(xhtml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(xhtml_escape("&amp;"), "&amp;amp;");
  EXPECT_EQ(xhtml_escape(std::string("x\x01y\tz\n\x7f", 8)), "xy\tz\n");
  EXPECT_EQ(xhtml_escape("日本語"), "日本語");
}

TEST(FhirDischargeBundle, NameBasedUuidIsRfc4122Version5) {
  // Python: uuid.uuid5(uuid.NAMESPACE_URL, "urn:musubi:test")
  EXPECT_EQ(name_based_urn_uuid("urn:musubi:test"),
            "urn:uuid:95185592-de71-5edf-ac71-90eed07bfcb9");
  EXPECT_EQ(name_based_urn_uuid(""), "urn:uuid:1b4db7eb-4057-5ddf-91e0-36dec72071f5");
}

TEST(FhirDischargeBundle, IsDeterministic) {
  for (const auto& [name, content] : all_examples()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(bundle_for(content).dump(), bundle_for(content).dump());
  }
}

TEST(FhirDischargeBundle, AnotherRevisionGetsOtherFullUrls) {
  const json content = load(kFixtureDir / "discharge_minimal.json");
  RecordFacts r = record_facts();
  const json first = discharge_bundle(content, patient_facts(), poster_facts(), r);
  r.revision_seq += 1;
  const json second = discharge_bundle(content, patient_facts(), poster_facts(), r);
  ASSERT_EQ(first["entry"].size(), second["entry"].size());
  for (std::size_t i = 0; i < first["entry"].size(); ++i) {
    EXPECT_NE(first["entry"][i]["fullUrl"], second["entry"][i]["fullUrl"]);
  }
  EXPECT_EQ(first["entry"][0]["resource"]["identifier"],
            second["entry"][0]["resource"]["identifier"]);
  EXPECT_NE(first["identifier"], second["identifier"]);
}

TEST(FhirDischargeBundle, MinimalRecord) {
  const json b = bundle_for(load(kFixtureDir / "discharge_minimal.json"));
  const json& c = b["entry"][0]["resource"];
  const auto sections = all_sections(c);
  // 構造情報, 入院時詳細, 退院時診断 only.
  EXPECT_EQ(sections.size(), 3u);
  std::multiset<std::string> types;
  for (const auto& e : b["entry"])
    types.insert(e["resource"]["resourceType"].get<std::string>());
  EXPECT_EQ(types, (std::multiset<std::string>{"Composition", "Patient", "Organization",
                                               "Organization", "Practitioner", "Practitioner",
                                               "Condition", "Encounter", "Provenance"}));
}

TEST(FhirDischargeBundle, AllergiesNoneKnownIsAnEmptyReason) {
  json content = load(kFixtureDir / "discharge_minimal.json");
  content["allergy_status"] = "none_known";
  const json c = bundle_for(content)["entry"][0]["resource"];
  const json s = section_with_code(c, "510");
  ASSERT_FALSE(s.is_null());
  EXPECT_FALSE(s.contains("entry"));
  EXPECT_EQ(s["emptyReason"]["coding"][0]["code"], "nilknown");
  EXPECT_NE(s["text"]["div"].get<std::string>().find("なし"), std::string::npos);
}

TEST(FhirDischargeBundle, ToleratesFieldsOfTheWrongType) {
  json content = load(kFixtureDir / "discharge_minimal.json");
  content["discharge_diagnoses"].push_back(json{{"name", 3}});
  content["procedures"] = "not a list";
  content["key_person"] = json::array();
  const json b = bundle_for(content);
  EXPECT_EQ(resources_of(b, "Condition").size(), 1u);
  EXPECT_TRUE(resources_of(b, "Procedure").empty());
}

// Writes every bundle to $MUSUBI_FHIR_BUNDLE_DIR for the R4 JSON Schema check
// (tests/protocol/fhir/validate_bundles.py); skipped when that is unset, as in a plain run.
TEST(FhirDischargeBundle, DumpsEveryBundle) {
  const char* dir_env = std::getenv("MUSUBI_FHIR_BUNDLE_DIR");
  if (dir_env == nullptr || *dir_env == '\0') GTEST_SKIP() << "MUSUBI_FHIR_BUNDLE_DIR is unset";
  const fs::path dir = dir_env;
  fs::create_directories(dir);
  for (const auto& [name, content] : all_examples()) {
    std::ofstream out(dir / (name + ".json"));
    out << bundle_for(content).dump(2) << "\n";
    ASSERT_TRUE(out.good()) << name;
  }
}

}  // namespace
}  // namespace musubi::protocol::fhir
