#include "protocol/fhir/discharge_bundle.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include "protocol/template_catalog.hpp"

// How a discharge summary record becomes a FHIR R4 document (template field → FHIR element):
//
//   (record facts)               Bundle.identifier {urn:musubi:record, "room/seq/revision_seq"},
//                                Bundle.timestamp, Composition.date, meta.lastUpdated = posted_at;
//                                Composition.identifier = "room/seq" (stable across corrections),
//                                versionNumber extension = revision_seq
//   (patient facts)              Patient (JP_Patient): identifier urn:musubi:patient, name kanji
//                                (IDE) + kana (SYL), gender, birthDate, address.text
//   (poster)                     Practitioner (identifier urn:musubi:login) + Provenance
//                                (agent type "enterer", onBehalfOf their Organization)
//   basic_info.hospital          Organization: Composition.author[1], custodian,
//                                Encounter.serviceProvider; liaison_phone → Organization.contact
//   basic_info.*                 Encounter (class IMP): period = admission..discharge date (also
//                                Composition.event.period), serviceType = department, location
//                                display = ward, participant ATND → Practitioner (attending),
//                                hospitalization.dischargeDisposition = discharge_destination
//   author                       Practitioner (qualification = profession): Composition.author[0];
//                                author.organization → another author Organization if different
//   discharge_diagnoses[]        Condition (category encounter-diagnosis, code ICD-10 + text,
//                                onsetDateTime, note) + Encounter.diagnosis (main → DD rank 1,
//                                secondary → CM)
//   allergy_status, allergies[]  AllergyIntolerance (code.text, reaction manifestation/severity);
//                                none_known/unknown with no entries → section emptyReason
//                                nilknown/unavailable
//   procedures[]                 Procedure (completed, performedDateTime, note)
//   devices[]                    Device (deviceName) + DeviceUseStatement (timingPeriod.start =
//                                placed_date, note with next_change_date)
//   discharge_medications[]      MedicationRequest (active, order; dosageInstruction.text = dose +
//                                usage; dispenseRequest.expectedSupplyDuration = days)
//   key_person                   RelatedPerson (name, relationship text, phone)
//   chief_complaint, history_before_admission, hospital_course, condition_at_discharge,
//   medication_notes, plan_after_discharge, home_medical_care, follow_up_appointments,
//   services_to_arrange, written_date
//                                narrative only (section.text)
//
// Sections follow the JP-CLINS 退院時サマリー layout: one "構造情報" section (code 300) holding the
// sub-sections, each coded in the JP-CLINS section code system and, where one fits, also with the
// LOINC section code HL7 C-CDA / IPS use. Sections for what JP-CLINS has no code for (home care,
// follow-up, services, key person) carry a musubi code (urn:musubi:fhir:document-section). Section
// narrative is "generated" when it only renders the section's entries and "additional" (the value
// JP-CLINS fixes for its sections) when it carries text that is in no entry.
//
// Sources:
//   - JP-CLINS section codes: CodeSystem jp-codeSystem-clins-document-section,
//     url http://jpfhir.jp/fhir/clins/CodeSystem/document-section (JAMI, v1.3.0).
//   - Composition/Bundle layout, type/category doc-typecodes 18842-5, title, event.period,
//     versionNumber extension: JP_Composition_eDischargeSummary / JP_Bundle_eDischargeSummary
//     (github.com/jami-fhir-jp-wg/eTwoDis, input/fsh/profiles/).
//   - JP_Patient profile URL and the iso21090-EN-representation IDE/SYL names: JP Core
//     (jpfhir.jp/fhir/core, JP_Patient, JP_HumanName).
//   - LOINC section codes as in HL7 C-CDA R2.1 / IPS (11535-2 discharge Dx, 48765-2 allergies,
//     10183-2 discharge medications, 47519-4 procedures, 46264-8 devices, 8648-8 hospital course,
//     10154-3 chief complaint, 10164-2 present illness, 10184-0 discharge physical findings,
//     18776-5 plan of care, 8653-8 discharge instructions).
//   - FHIR R4 code systems: condition-category, diagnosis-role, discharge-disposition,
//     v3-ActCode, v3-ParticipationType, allergyintolerance-clinical, list-empty-reason,
//     provenance-participant-type, contactentity-type.

namespace musubi::protocol::fhir {
namespace {

using nlohmann::json;

constexpr const char* kJpPatientProfile =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient";
constexpr const char* kNameRepresentation =
    "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
constexpr const char* kVersionNumber =
    "http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber";
constexpr const char* kLoinc = "http://loinc.org";
constexpr const char* kJpDocTypeCodes = "http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes";
constexpr const char* kClinsSection = "http://jpfhir.jp/fhir/clins/CodeSystem/document-section";
constexpr const char* kMusubiSection = "urn:musubi:fhir:document-section";
constexpr const char* kMusubiRecord = "urn:musubi:record";
constexpr const char* kMusubiRevision = "urn:musubi:record-revision";
constexpr const char* kMusubiPatient = "urn:musubi:patient";
constexpr const char* kMusubiLogin = "urn:musubi:login";
constexpr const char* kMusubiProfession = "urn:musubi:profession";
constexpr const char* kIcd10 = "http://hl7.org/fhir/sid/icd-10";
constexpr const char* kUcum = "http://unitsofmeasure.org";
constexpr const char* kXhtmlOpen = "<div xmlns=\"http://www.w3.org/1999/xhtml\">";

// ---- reading the content defensively: a value of the wrong type counts as absent ----

const json& member(const json& object, const char* key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

const json& object_at(const json& object, const char* key) {
  static const json empty = json::object();
  const json& v = member(object, key);
  return v.is_object() ? v : empty;
}

const json& array_at(const json& object, const char* key) {
  static const json empty = json::array();
  const json& v = member(object, key);
  return v.is_array() ? v : empty;
}

std::string str(const json& object, const char* key) {
  const json& v = member(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// Sets `target[key] = value` unless value is empty (FHIR has no empty strings).
void put(json& target, const char* key, const std::string& value) {
  if (!value.empty()) target[key] = value;
}

// ---- labels and titles from the template itself (protocol/schemas/templates) ----

const json& template_schema() {
  static const json empty = json::object();
  const auto* t = TemplateCatalog::embedded().find("discharge_summary");
  return t != nullptr ? t->schema : empty;
}

const json& schema_at(const std::string& pointer) {
  static const json empty = json::object();
  const json& schema = template_schema();
  const json::json_pointer ptr(pointer);
  return schema.contains(ptr) ? schema.at(ptr) : empty;
}

// The Japanese label of enum value `code` of the property at `pointer`, or the code itself.
std::string label(const std::string& pointer, const std::string& code) {
  const json& labels = object_at(schema_at(pointer), "x-enum-labels");
  const std::string ja = str(object_at(labels, code.c_str()), "ja");
  return ja.empty() ? code : ja;
}

std::string title(const std::string& pointer) {
  return str(schema_at(pointer), "title");
}

std::string profession_label(const std::string& code) {
  return label("/$defs/profession", code);
}

// ---- narrative ----

// The narrative of free text: lines become <br/>-separated, the whole one paragraph.
std::string paragraph(const std::string& text) {
  std::string out = "<p>";
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = text.find('\n', start);
    out +=
        xhtml_escape(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    out += "<br/>";
    start = nl + 1;
  }
  return out + "</p>";
}

// Collects "label: value" items for a <ul>; empty values are skipped.
class ItemList {
 public:
  void add(const std::string& label_text, const std::string& value) {
    if (value.empty()) return;
    items_ += "<li>";
    if (!label_text.empty()) items_ += xhtml_escape(label_text) + ": ";
    items_ += xhtml_escape(value) + "</li>";
  }
  bool empty() const { return items_.empty(); }
  std::string html() const { return items_.empty() ? std::string() : "<ul>" + items_ + "</ul>"; }

 private:
  std::string items_;
};

// Joins the non-empty parts with `sep`.
std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string format_number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  return json(value).dump();
}

// ---- FHIR building blocks ----

json reference(const std::string& full_url) {
  return json{{"reference", full_url}};
}

json coding(const char* system, const std::string& code, const std::string& display) {
  json c{{"system", system}, {"code", code}};
  put(c, "display", display);
  return c;
}

json text_concept(const std::string& text) {
  return json{{"text", text}};
}

json note(const std::string& text) {
  return json::array({json{{"text", text}}});
}

json narrative(const std::string& body, bool generated) {
  return json{{"status", generated ? "generated" : "additional"},
              {"div", std::string(kXhtmlOpen) + body + "</div>"}};
}

// A section's code: the JP-CLINS (or musubi) code first, then LOINC where one fits.
struct SectionCode {
  const char* system;
  const char* code;
  const char* display;
  const char* loinc_code;     // nullptr when none fits
  const char* loinc_display;  // LOINC long common name
};

constexpr SectionCode kStructured{kClinsSection, "300", "構造情報セクション", nullptr, nullptr};
constexpr SectionCode kDetailsOnAdmission{kClinsSection, "322", "入院時詳細セクション", nullptr,
                                          nullptr};
constexpr SectionCode kChiefComplaint{kClinsSection, "352", "主訴セクション", "10154-3",
                                      "Chief complaint Narrative - Reported"};
constexpr SectionCode kPresentIllness{kClinsSection, "360", "現病歴セクション", "10164-2",
                                      "History of Present illness Narrative"};
constexpr SectionCode kDiagnosesOnDischarge{kClinsSection, "344", "退院時診断セクション", "11535-2",
                                            "Hospital discharge Dx Narrative"};
constexpr SectionCode kAllergies{kClinsSection, "510", "アレルギー・不耐性反応セクション",
                                 "48765-2", "Allergies and adverse reactions Document"};
constexpr SectionCode kHospitalCourse{kClinsSection, "333", "入院中経過セクション", "8648-8",
                                      "Hospital course Narrative"};
constexpr SectionCode kHospitalProcedures{kClinsSection, "713", "入院中治療セクション", "47519-4",
                                          "History of Procedures Document"};
constexpr SectionCode kDevices{kClinsSection, "810", "医療機器セクション", "46264-8",
                               "History of medical device use"};
constexpr SectionCode kPhysicalOnDischarge{kClinsSection, "614", "退院時身体所見セクション",
                                           "10184-0",
                                           "Hospital discharge physical findings Narrative"};
constexpr SectionCode kMedicationOnDischarge{kClinsSection, "444", "退院時投薬指示セクション",
                                             "10183-2", "Hospital discharge medications Narrative"};
constexpr SectionCode kInstructionOnDischarge{kClinsSection, "424", "退院時方針指示セクション",
                                              "18776-5", "Plan of care note"};
constexpr SectionCode kHomeMedicalCare{kMusubiSection, "home_medical_care", "在宅で必要な医療処置",
                                       "8653-8", "Hospital discharge instructions"};
constexpr SectionCode kFollowUp{kMusubiSection, "follow_up_appointments", "退院後の受診予定",
                                nullptr, nullptr};
constexpr SectionCode kServices{kMusubiSection, "services_to_arrange", "調整が必要なサービス",
                                nullptr, nullptr};
constexpr SectionCode kKeyPerson{kMusubiSection, "key_person", "キーパーソン", nullptr, nullptr};

json section_code(const SectionCode& sc) {
  json codings = json::array({coding(sc.system, sc.code, sc.display)});
  if (sc.loinc_code != nullptr) codings.push_back(coding(kLoinc, sc.loinc_code, sc.loinc_display));
  return json{{"coding", std::move(codings)}};
}

json section(const SectionCode& sc, const std::string& section_title, const std::string& body,
             bool generated, const std::vector<std::string>& entry_urls = {}) {
  json s{
      {"title", section_title}, {"code", section_code(sc)}, {"text", narrative(body, generated)}};
  if (!entry_urls.empty()) {
    json entries = json::array();
    for (const auto& url : entry_urls)
      entries.push_back(reference(url));
    s["entry"] = std::move(entries);
  }
  return s;
}

// Splits "山田 太郎" (half- or full-width space) into family and given name.
std::pair<std::string, std::string> split_name(const std::string& name) {
  static const std::string kFullWidthSpace = "\u3000";
  std::size_t pos = name.find(' ');
  std::size_t width = 1;
  const std::size_t wide = name.find(kFullWidthSpace);
  if (wide != std::string::npos && (pos == std::string::npos || wide < pos)) {
    pos = wide;
    width = kFullWidthSpace.size();
  }
  if (pos == std::string::npos) return {name, ""};
  std::string given = name.substr(pos + width);
  while (given.starts_with(' '))
    given.erase(0, 1);
  while (given.starts_with(kFullWidthSpace))
    given.erase(0, kFullWidthSpace.size());
  return {name.substr(0, pos), given};
}

// A JP Core HumanName: text "family given" with one half-width space, tagged IDE or SYL.
json jp_human_name(const std::string& name, const char* representation) {
  const auto [family, given] = split_name(name);
  json n{{"extension",
          json::array({json{{"url", kNameRepresentation}, {"valueCode", representation}}})},
         {"use", "official"}};
  if (given.empty()) {
    n["text"] = name;
  } else {
    n["text"] = family + " " + given;
    n["family"] = family;
    n["given"] = json::array({given});
  }
  return n;
}

json profession_qualification(const std::string& profession) {
  const std::string ja = profession_label(profession);
  return json::array(
      {json{{"code", json{{"coding", json::array({coding(kMusubiProfession, profession, ja)})},
                          {"text", ja}}}}});
}

// ---- the document under construction ----

// Collects entries; fullUrls are name-based UUIDs under the record's revision.
class Document {
 public:
  explicit Document(const RecordFacts& record)
      : prefix_(std::string(kMusubiRecord) + ":" + record.room_id + "/" +
                std::to_string(record.seq) + "/" + std::to_string(record.revision_seq) + "#") {}

  std::string url(const std::string& key) const { return name_based_urn_uuid(prefix_ + key); }

  // Appends `resource` under `key`; returns its fullUrl. The resource's id is the UUID.
  std::string add(const std::string& key, json resource) {
    const std::string full_url = url(key);
    resource["id"] = full_url.substr(std::string_view("urn:uuid:").size());
    entries_.push_back(json{{"fullUrl", full_url}, {"resource", std::move(resource)}});
    return full_url;
  }

  // The Organization named `name`, created on first use (one per name).
  std::string organization(const std::string& name, const std::string& liaison_phone = {}) {
    if (const auto it = organizations_.find(name); it != organizations_.end()) return it->second;
    json org{{"resourceType", "Organization"}, {"name", name}};
    if (!liaison_phone.empty()) {
      org["contact"] = json::array({json{
          {"purpose",
           json{{"coding",
                 json::array({coding("http://terminology.hl7.org/CodeSystem/contactentity-type",
                                     "PATINF", "Patient")})},
                {"text", "地域連携室"}}},
          {"telecom", json::array({json{{"system", "phone"}, {"value", liaison_phone}}})}}});
    }
    const std::string full_url = add("Organization/" + name, std::move(org));
    organizations_.emplace(name, full_url);
    return full_url;
  }

  json entries_with_first(const std::string& key, json resource) {
    const std::string full_url = url(key);
    resource["id"] = full_url.substr(std::string_view("urn:uuid:").size());
    json all = json::array({json{{"fullUrl", full_url}, {"resource", std::move(resource)}}});
    for (auto& e : entries_)
      all.push_back(std::move(e));
    entries_.clear();
    return all;
  }

 private:
  std::string prefix_;
  std::vector<json> entries_;
  std::map<std::string, std::string> organizations_;
};

json patient_resource(const PatientFacts& p) {
  json r{{"resourceType", "Patient"},
         {"meta", json{{"profile", json::array({kJpPatientProfile})}}}};
  if (!p.public_id.empty()) {
    r["identifier"] = json::array({json{{"system", kMusubiPatient}, {"value", p.public_id}}});
  }
  json names = json::array();
  if (!p.name.empty()) names.push_back(jp_human_name(p.name, "IDE"));
  if (!p.kana.empty()) names.push_back(jp_human_name(p.kana, "SYL"));
  if (!names.empty()) r["name"] = std::move(names);
  if (p.sex == "female" || p.sex == "male" || p.sex == "other" || p.sex == "unknown") {
    r["gender"] = p.sex;
  }
  put(r, "birthDate", p.birth_date);
  if (!p.address.empty()) r["address"] = json::array({json{{"text", p.address}}});
  return r;
}

// Discharge destination → http://terminology.hl7.org/CodeSystem/discharge-disposition.
json discharge_disposition(const std::string& destination) {
  const char* code = "oth";
  const char* display = "Other";
  if (destination == "home") {
    code = "home";
    display = "Home";
  } else if (destination == "nursing_home") {
    code = "long";
    display = "Long-term care";
  } else if (destination == "other_hospital") {
    code = "other-hcf";
    display = "Other healthcare facility";
  }
  return coding("http://terminology.hl7.org/CodeSystem/discharge-disposition", code, display);
}

}  // namespace

std::string name_based_urn_uuid(const std::string& name) {
  // RFC 4122 name space for URLs, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
  static constexpr std::array<unsigned char, 16> kUrlNamespace = {
      0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
  std::string data(reinterpret_cast<const char*>(kUrlNamespace.data()), kUrlNamespace.size());
  data += name;
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int md_len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &md_len, EVP_sha1(), nullptr);
  md[6] = static_cast<unsigned char>((md[6] & 0x0F) | 0x50);  // version 5
  md[8] = static_cast<unsigned char>((md[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "urn:uuid:";
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0x0F];
  }
  return out;
}

std::string xhtml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 allows no C0 control character but tab, line feed and carriage return.
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;
        if (c == 0x7F) break;
        out += ch;
    }
  }
  return out;
}

nlohmann::json discharge_bundle(const nlohmann::json& content, const PatientFacts& patient,
                                const AuthorFacts& poster, const RecordFacts& record) {
  Document doc(record);
  const json& basic = object_at(content, "basic_info");
  const std::string admission = str(basic, "admission_date");
  const std::string discharge = str(basic, "discharge_date");

  const std::string patient_url = doc.add("Patient", patient_resource(patient));
  const std::string composition_url = doc.url("Composition");
  const std::string encounter_url = doc.url("Encounter");

  // The hospital: author, custodian and service provider.
  const std::string hospital = str(basic, "hospital");
  std::string hospital_url;
  if (!hospital.empty()) hospital_url = doc.organization(hospital, str(basic, "liaison_phone"));

  // The summary's author (記載者).
  json authors = json::array();
  const json& writer = object_at(content, "author");
  const std::string writer_name = str(writer, "name");
  const std::string writer_profession = str(writer, "profession");
  const std::string writer_org = str(writer, "organization");
  if (!writer_name.empty()) {
    json pr{{"resourceType", "Practitioner"}, {"name", json::array({json{{"text", writer_name}}})}};
    if (!writer_profession.empty())
      pr["qualification"] = profession_qualification(writer_profession);
    authors.push_back(reference(doc.add("Practitioner/author", std::move(pr))));
  }
  if (!hospital_url.empty()) authors.push_back(reference(hospital_url));
  if (!writer_org.empty() && writer_org != hospital) {
    authors.push_back(reference(doc.organization(writer_org)));
  }

  // Whoever posted the record in musubi: the enterer, in a Provenance of the Composition.
  std::string poster_url;
  {
    json pr{{"resourceType", "Practitioner"}};
    if (!poster.login.empty()) {
      pr["identifier"] = json::array({json{{"system", kMusubiLogin}, {"value", poster.login}}});
    }
    if (!poster.name.empty()) pr["name"] = json::array({json{{"text", poster.name}}});
    if (!poster.profession.empty())
      pr["qualification"] = profession_qualification(poster.profession);
    poster_url = doc.add("Practitioner/poster", std::move(pr));
  }
  if (authors.empty()) authors.push_back(reference(poster_url));

  // Diagnoses: Conditions, and the Encounter's diagnosis list.
  std::vector<std::string> condition_urls;
  json encounter_diagnoses = json::array();
  ItemList diagnosis_items;
  {
    const json& diagnoses = array_at(content, "discharge_diagnoses");
    for (std::size_t i = 0; i < diagnoses.size(); ++i) {
      const json& d = diagnoses[i];
      const std::string name = str(d, "name");
      if (name.empty()) continue;
      const std::string icd10 = str(d, "icd10");
      const std::string onset = str(d, "onset");
      const std::string kind = str(d, "kind");
      const std::string comment = str(d, "note");
      json code{{"text", name}};
      if (!icd10.empty()) code["coding"] = json::array({coding(kIcd10, icd10, name)});
      json c{
          {"resourceType", "Condition"},
          {"verificationStatus",
           json{{"coding",
                 json::array({coding("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                     "confirmed", "Confirmed")})}}},
          {"category",
           json::array({json{
               {"coding", json::array({coding("http://terminology.hl7.org/CodeSystem/"
                                              "condition-category",
                                              "encounter-diagnosis", "Encounter Diagnosis")})}}})},
          {"code", std::move(code)},
          {"subject", reference(patient_url)},
          {"encounter", reference(encounter_url)}};
      put(c, "onsetDateTime", onset);
      if (!comment.empty()) c["note"] = note(comment);
      const std::string url = doc.add("Condition/" + std::to_string(i), std::move(c));
      condition_urls.push_back(url);

      json dx{{"condition", reference(url)}};
      if (kind == "secondary") {
        dx["use"] = json{
            {"coding", json::array({coding("http://terminology.hl7.org/CodeSystem/diagnosis-role",
                                           "CM", "Comorbidity diagnosis")})}};
      } else {
        dx["use"] = json{
            {"coding", json::array({coding("http://terminology.hl7.org/CodeSystem/diagnosis-role",
                                           "DD", "Discharge diagnosis")})}};
        if (kind == "main") dx["rank"] = 1;
      }
      encounter_diagnoses.push_back(std::move(dx));

      std::vector<std::string> details;
      if (!icd10.empty()) details.push_back("ICD-10 " + icd10);
      if (!kind.empty()) {
        details.push_back(label("/properties/discharge_diagnoses/items/properties/kind", kind));
      }
      if (!onset.empty()) details.push_back("発症 " + onset);
      details.push_back(comment);
      const std::string detail = join(details, "、");
      diagnosis_items.add("", detail.empty() ? name : name + "（" + detail + "）");
    }
  }

  // The hospital stay.
  const std::string department = str(basic, "department");
  const std::string ward = str(basic, "ward");
  const std::string attending = str(basic, "attending_physician");
  const std::string destination = str(basic, "discharge_destination");
  {
    json e{{"resourceType", "Encounter"},
           {"status", discharge.empty() ? "in-progress" : "finished"},
           {"class", coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP",
                            "inpatient encounter")},
           {"subject", reference(patient_url)}};
    json period = json::object();
    put(period, "start", admission);
    put(period, "end", discharge);
    if (!period.empty()) e["period"] = period;
    if (!department.empty()) e["serviceType"] = text_concept(department);
    if (!ward.empty()) {
      e["location"] = json::array({json{{"location", json{{"display", ward}}}}});
    }
    if (!attending.empty()) {
      const std::string url = doc.add("Practitioner/attending",
                                      json{{"resourceType", "Practitioner"},
                                           {"name", json::array({json{{"text", attending}}})}});
      e["participant"] = json::array({json{
          {"type", json::array({json{
                       {"coding", json::array({coding(
                                      "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                      "ATND", "attender")})}}})},
          {"individual", reference(url)}}});
    }
    if (!encounter_diagnoses.empty()) e["diagnosis"] = std::move(encounter_diagnoses);
    if (!destination.empty()) {
      e["hospitalization"] =
          json{{"dischargeDisposition",
                json{{"coding", json::array({discharge_disposition(destination)})},
                     {"text", label("/properties/basic_info/properties/discharge_destination",
                                    destination)}}}};
    }
    if (!hospital_url.empty()) e["serviceProvider"] = reference(hospital_url);
    doc.add("Encounter", std::move(e));
  }

  json sections = json::array();
  const std::string written = str(content, "written_date");

  // 入院時詳細: the stay, and who wrote the summary when.
  {
    ItemList items;
    items.add(title("/properties/basic_info/properties/hospital"), hospital);
    items.add(title("/properties/basic_info/properties/department"), department);
    items.add(title("/properties/basic_info/properties/ward"), ward);
    items.add(title("/properties/basic_info/properties/admission_date"), admission);
    items.add(title("/properties/basic_info/properties/discharge_date"), discharge);
    items.add(title("/properties/basic_info/properties/attending_physician"), attending);
    if (!destination.empty()) {
      items.add(title("/properties/basic_info/properties/discharge_destination"),
                label("/properties/basic_info/properties/discharge_destination", destination));
    }
    items.add(title("/properties/basic_info/properties/liaison_phone"),
              str(basic, "liaison_phone"));
    const std::string writer_text =
        join({writer_name, writer_profession.empty() ? "" : profession_label(writer_profession),
              writer_org},
             "、");
    items.add(title("/properties/author"), writer_text);
    items.add(title("/properties/written_date"), written);
    sections.push_back(section(kDetailsOnAdmission, "入院時詳細",
                               items.empty() ? "<p>入院情報</p>" : items.html(), false,
                               {encounter_url}));
  }

  if (const std::string text = str(content, "chief_complaint"); !text.empty()) {
    sections.push_back(section(kChiefComplaint, "主訴", paragraph(text), false));
  }
  if (const std::string text = str(content, "history_before_admission"); !text.empty()) {
    sections.push_back(section(kPresentIllness, "現病歴", paragraph(text), false));
  }
  if (!condition_urls.empty()) {
    sections.push_back(
        section(kDiagnosesOnDischarge, "退院時診断", diagnosis_items.html(), true, condition_urls));
  }

  // Allergies: entries, or the reason there are none.
  {
    const std::string status = str(content, "allergy_status");
    const json& allergies = array_at(content, "allergies");
    std::vector<std::string> urls;
    ItemList items;
    for (std::size_t i = 0; i < allergies.size(); ++i) {
      const json& a = allergies[i];
      const std::string substance = str(a, "substance");
      if (substance.empty()) continue;
      const std::string reaction = str(a, "reaction");
      const std::string severity = str(a, "severity");
      json r{
          {"resourceType", "AllergyIntolerance"},
          {"clinicalStatus",
           json{{"coding", json::array({coding(
                               "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                               "active", "Active")})}}},
          {"code", text_concept(substance)},
          {"patient", reference(patient_url)}};
      const bool known_severity =
          severity == "mild" || severity == "moderate" || severity == "severe";
      if (!reaction.empty() || known_severity) {
        json rx{{"manifestation",
                 json::array({text_concept(reaction.empty() ? "記載なし" : reaction)})}};
        if (known_severity) rx["severity"] = severity;
        r["reaction"] = json::array({std::move(rx)});
      }
      urls.push_back(doc.add("AllergyIntolerance/" + std::to_string(i), std::move(r)));
      const std::string detail = join(
          {reaction, severity.empty() ? "" : label("/$defs/allergy/properties/severity", severity)},
          "、");
      items.add("", detail.empty() ? substance : substance + "（" + detail + "）");
    }
    if (!urls.empty()) {
      sections.push_back(section(kAllergies, "アレルギー・不耐性反応", items.html(), true, urls));
    } else if (status == "none_known" || status == "unknown") {
      json s = section(kAllergies, "アレルギー・不耐性反応",
                       paragraph(label("/properties/allergy_status", status)), true);
      s["emptyReason"] = json{
          {"coding", json::array({coding("http://terminology.hl7.org/CodeSystem/list-empty-reason",
                                         status == "none_known" ? "nilknown" : "unavailable",
                                         status == "none_known" ? "Nil Known" : "Unavailable")})}};
      sections.push_back(std::move(s));
    }
  }

  if (const std::string text = str(content, "hospital_course"); !text.empty()) {
    sections.push_back(section(kHospitalCourse, "入院中経過", paragraph(text), false));
  }

  // Procedures.
  {
    const json& procedures = array_at(content, "procedures");
    std::vector<std::string> urls;
    ItemList items;
    for (std::size_t i = 0; i < procedures.size(); ++i) {
      const json& p = procedures[i];
      const std::string name = str(p, "name");
      if (name.empty()) continue;
      const std::string date = str(p, "date");
      const std::string comment = str(p, "note");
      json r{{"resourceType", "Procedure"},
             {"status", "completed"},
             {"code", text_concept(name)},
             {"subject", reference(patient_url)},
             {"encounter", reference(encounter_url)}};
      put(r, "performedDateTime", date);
      if (!comment.empty()) r["note"] = note(comment);
      urls.push_back(doc.add("Procedure/" + std::to_string(i), std::move(r)));
      const std::string detail = join({date, comment}, "、");
      items.add("", detail.empty() ? name : name + "（" + detail + "）");
    }
    if (!urls.empty()) {
      sections.push_back(section(kHospitalProcedures, "入院中治療", items.html(), true, urls));
    }
  }

  // Devices: a Device and its DeviceUseStatement each.
  {
    const json& devices = array_at(content, "devices");
    std::vector<std::string> urls;
    ItemList items;
    for (std::size_t i = 0; i < devices.size(); ++i) {
      const json& d = devices[i];
      const std::string name = str(d, "name");
      if (name.empty()) continue;
      const std::string placed = str(d, "placed_date");
      const std::string next_change = str(d, "next_change_date");
      const std::string comment = str(d, "note");
      const std::string device_url = doc.add(
          "Device/" + std::to_string(i),
          json{{"resourceType", "Device"},
               {"deviceName", json::array({json{{"name", name}, {"type", "user-friendly-name"}}})},
               {"patient", reference(patient_url)}});
      json r{{"resourceType", "DeviceUseStatement"},
             {"status", "active"},
             {"subject", reference(patient_url)},
             {"device", reference(device_url)}};
      if (!placed.empty()) r["timingPeriod"] = json{{"start", placed}};
      const std::string notes =
          join({next_change.empty() ? "" : "次回交換予定日 " + next_change, comment}, "、");
      if (!notes.empty()) r["note"] = note(notes);
      urls.push_back(doc.add("DeviceUseStatement/" + std::to_string(i), std::move(r)));
      const std::string detail = join({placed.empty() ? "" : "留置 " + placed, notes}, "、");
      items.add("", detail.empty() ? name : name + "（" + detail + "）");
    }
    if (!urls.empty()) sections.push_back(section(kDevices, "医療機器", items.html(), true, urls));
  }

  // Condition at discharge.
  {
    const json& c = object_at(content, "condition_at_discharge");
    const std::string base = "/properties/condition_at_discharge/properties/";
    ItemList items;
    items.add(title(base + "physical_status"), str(c, "physical_status"));
    items.add(title(base + "activity"), str(c, "activity"));
    if (const std::string v = str(c, "bedridden_independence"); !v.empty()) {
      items.add(title(base + "bedridden_independence"), label("/$defs/bedridden_independence", v));
    }
    items.add(title(base + "cognition"), str(c, "cognition"));
    if (const std::string v = str(c, "dementia_independence"); !v.empty()) {
      items.add(title(base + "dementia_independence"), label("/$defs/dementia_independence", v));
    }
    if (!items.empty()) {
      sections.push_back(section(kPhysicalOnDischarge, "退院時身体所見", items.html(), false));
    }
  }

  // Medications at discharge.
  {
    const json& medications = array_at(content, "discharge_medications");
    std::vector<std::string> urls;
    ItemList items;
    for (std::size_t i = 0; i < medications.size(); ++i) {
      const json& m = medications[i];
      const std::string drug = str(m, "drug_name");
      if (drug.empty()) continue;
      const std::string dosage = join({str(m, "dose"), str(m, "usage")}, " ");
      const std::string comment = str(m, "note");
      const json& days = member(m, "days");
      json r{{"resourceType", "MedicationRequest"},
             {"status", "active"},
             {"intent", "order"},
             {"medicationCodeableConcept", text_concept(drug)},
             {"subject", reference(patient_url)},
             {"encounter", reference(encounter_url)}};
      if (!dosage.empty()) r["dosageInstruction"] = json::array({json{{"text", dosage}}});
      std::string days_text;
      if (days.is_number_integer() && days.get<std::int64_t>() > 0) {
        const auto n = days.get<std::int64_t>();
        r["dispenseRequest"] =
            json{{"expectedSupplyDuration",
                  json{{"value", n}, {"unit", "日"}, {"system", kUcum}, {"code", "d"}}}};
        days_text = std::to_string(n) + "日分";
      }
      if (!comment.empty()) r["note"] = note(comment);
      urls.push_back(doc.add("MedicationRequest/" + std::to_string(i), std::move(r)));
      const std::string detail = join({dosage, days_text, comment}, "、");
      items.add("", detail.empty() ? drug : drug + "（" + detail + "）");
    }
    const std::string notes = str(content, "medication_notes");
    if (!urls.empty() || !notes.empty()) {
      std::string body = items.html();
      if (!notes.empty()) body += paragraph(title("/properties/medication_notes") + ": " + notes);
      sections.push_back(
          section(kMedicationOnDischarge, "退院時投薬指示", body, notes.empty(), urls));
    }
  }

  if (const std::string text = str(content, "plan_after_discharge"); !text.empty()) {
    sections.push_back(section(kInstructionOnDischarge, "退院時方針指示", paragraph(text), false));
  }

  // Medical care needed at home.
  {
    const json& care = object_at(content, "home_medical_care");
    const std::string base = "/properties/home_medical_care/properties/";
    ItemList items;
    for (const char* key : {"oxygen", "tube_feeding", "urinary_catheter", "wound_care",
                            "suctioning", "iv_line", "stoma", "dialysis"}) {
      const json& item = member(care, key);
      if (!item.is_object()) continue;
      const json& in_use = member(item, "in_use");
      std::vector<std::string> parts;
      if (in_use.is_boolean()) parts.push_back(in_use.get<bool>() ? "あり" : "なし");
      if (const std::string kind = str(item, "kind"); !kind.empty()) {
        parts.push_back(label(base + key + "/properties/kind", kind));
      }
      if (const json& flow = member(item, "flow_l_per_min"); flow.is_number()) {
        parts.push_back("酸素流量 " + format_number(flow.get<double>()) + " L/分");
      }
      if (const json& ulcer = member(item, "pressure_ulcer"); ulcer.is_boolean()) {
        parts.push_back(ulcer.get<bool>() ? "褥瘡あり" : "褥瘡なし");
      }
      parts.push_back(str(item, "note"));
      items.add(title(base + key), join(parts, "、"));
    }
    items.add(title(base + "other"), str(care, "other"));
    if (!items.empty()) {
      sections.push_back(section(kHomeMedicalCare, kHomeMedicalCare.display, items.html(), false));
    }
  }

  // Follow-up appointments.
  {
    ItemList items;
    for (const json& a : array_at(content, "follow_up_appointments")) {
      const std::string date = str(a, "date");
      if (date.empty()) continue;
      const std::string detail =
          join({str(a, "place"), str(a, "department"), str(a, "note")}, "、");
      items.add(detail.empty() ? "" : date, detail.empty() ? date : detail);
    }
    if (!items.empty()) {
      sections.push_back(section(kFollowUp, kFollowUp.display, items.html(), false));
    }
  }

  // Services to arrange.
  {
    ItemList items;
    for (const json& s : array_at(content, "services_to_arrange")) {
      const std::string service = str(s, "service");
      if (service.empty()) continue;
      const std::string name = label("/$defs/service", service);
      const std::string detail = str(s, "detail");
      items.add("", detail.empty() ? name : name + "（" + detail + "）");
    }
    if (!items.empty()) {
      sections.push_back(section(kServices, kServices.display, items.html(), false));
    }
  }

  // Key person: a RelatedPerson.
  {
    const json& k = object_at(content, "key_person");
    if (const std::string name = str(k, "name"); !name.empty()) {
      const std::string relationship = str(k, "relationship");
      const std::string phone = str(k, "phone");
      json r{{"resourceType", "RelatedPerson"},
             {"patient", reference(patient_url)},
             {"name", json::array({json{{"text", name}}})}};
      if (!relationship.empty()) r["relationship"] = json::array({text_concept(relationship)});
      if (!phone.empty()) {
        r["telecom"] = json::array({json{{"system", "phone"}, {"value", phone}}});
      }
      const std::string url = doc.add("RelatedPerson/key_person", std::move(r));
      ItemList items;
      items.add("氏名", name);
      items.add("続柄・関係", relationship);
      items.add("電話番号", phone);
      sections.push_back(section(kKeyPerson, "キーパーソン", items.html(), true, {url}));
    }
  }

  // Provenance: who put this revision into musubi, and when.
  if (!record.posted_at.empty()) {
    json agent{{"type", json{{"coding", json::array({coding("http://terminology.hl7.org/CodeSystem/"
                                                            "provenance-participant-type",
                                                            "enterer", "Enterer")})}}},
               {"who", reference(poster_url)}};
    if (!poster.organization_name.empty()) {
      agent["onBehalfOf"] = reference(doc.organization(poster.organization_name));
    }
    doc.add("Provenance", json{{"resourceType", "Provenance"},
                               {"target", json::array({reference(composition_url)})},
                               {"recorded", record.posted_at},
                               {"agent", json::array({std::move(agent)})}});
  }

  // The Composition, first entry.
  json composition{
      {"resourceType", "Composition"},
      {"language", "ja"},
      {"extension", json::array({json{{"url", kVersionNumber},
                                      {"valueString", std::to_string(record.revision_seq)}}})},
      {"identifier", json{{"system", kMusubiRecord},
                          {"value", record.room_id + "/" + std::to_string(record.seq)}}},
      {"status", "final"},
      {"type", json{{"coding", json::array({coding(kLoinc, "18842-5", "Discharge summary"),
                                            coding(kJpDocTypeCodes, "18842-5", "退院時サマリー")})},
                    {"text", "退院時サマリー"}}},
      {"category", json::array({json{{"coding", json::array({coding(kJpDocTypeCodes, "18842-5",
                                                                    "退院時サマリー")})}}})},
      {"subject", reference(patient_url)},
      {"encounter", reference(encounter_url)},
      {"author", std::move(authors)},
      {"title", "退院時サマリー"},
      {"section", json::array({json{{"title", "構造情報"},
                                    {"code", section_code(kStructured)},
                                    {"section", std::move(sections)}}})}};
  if (!record.posted_at.empty()) {
    composition["meta"] = json{{"lastUpdated", record.posted_at}};
    composition["date"] = record.posted_at;
  } else {
    put(composition, "date", written);
  }
  if (!hospital_url.empty()) composition["custodian"] = reference(hospital_url);
  {
    json period = json::object();
    put(period, "start", admission);
    put(period, "end", discharge);
    if (!period.empty()) composition["event"] = json::array({json{{"period", period}}});
  }

  json bundle{{"resourceType", "Bundle"},
              {"id", doc.url("Bundle").substr(std::string_view("urn:uuid:").size())},
              {"identifier", json{{"system", kMusubiRevision},
                                  {"value", record.room_id + "/" + std::to_string(record.seq) +
                                                "/" + std::to_string(record.revision_seq)}}},
              {"type", "document"}};
  put(bundle, "timestamp", record.posted_at);
  bundle["entry"] = doc.entries_with_first("Composition", std::move(composition));
  return bundle;
}

}  // namespace musubi::protocol::fhir
