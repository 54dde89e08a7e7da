#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace musubi::protocol::fhir {

// The room's patient, as the server knows them (not part of the record's content).
struct PatientFacts {
  std::string public_id;  // musubi's patient id, becomes Patient.identifier
  std::string name;  // kanji, family name first: "山田 太郎" (a full-width space works too)
  std::string kana;  // katakana reading, same order: "ヤマダ タロウ"
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // female | male | other | unknown
  std::string address;     // free text
};

// The musubi user who posted the record (not necessarily the summary's 記載者, who is in the
// content's `author`).
struct AuthorFacts {
  std::string login;
  std::string name;
  std::string profession;  // a template profession code: physician, nurse, ...
  std::string organization_name;
};

// Where the record sits in its room.
struct RecordFacts {
  std::string room_id;
  std::int64_t seq = 0;           // the record's own seq (stays the same across corrections)
  std::int64_t revision_seq = 0;  // the seq of the revision shown (== seq when never corrected)
  std::string posted_at;          // RFC 3339 UTC, "2026-11-24T03:04:05.123Z"
};

// Turns a discharge summary record (`content`, valid against
// protocol/schemas/templates/discharge_summary.json) into an HL7 FHIR R4 document Bundle: a
// Composition "退院時サマリー" first, then every resource it references. It follows JP Core
// (Patient) and the JAMI/JP-CLINS 退院時サマリー FHIR spec (section codes and layout) where they
// apply; see discharge_bundle.cpp for the mapping and its sources.
//
// Pure and deterministic: no I/O, no clock, no randomness. Every fullUrl is a name-based
// (version 5, SHA-1) urn:uuid derived from the room, seq, revision and the resource's role, so
// the same input always gives byte-identical output, and two revisions never share a fullUrl.
// Content that does not match the template is not rejected: fields of the wrong type are
// skipped. Empty strings are left out (FHIR forbids them). Throws only what the embedded
// template catalog throws on a build defect.
nlohmann::json discharge_bundle(const nlohmann::json& content, const PatientFacts& patient,
                                const AuthorFacts& poster, const RecordFacts& record);

// The deterministic UUID scheme used for fullUrls, exposed for tests: RFC 4122 version 5 (SHA-1)
// in the URL namespace over `name`, as "urn:uuid:xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx".
std::string name_based_urn_uuid(const std::string& name);

// `text` escaped for XHTML character data: & < > " ' become entities; control characters that
// XML 1.0 forbids are dropped; the UTF-8 is otherwise copied as is.
std::string xhtml_escape(const std::string& text);

}  // namespace musubi::protocol::fhir
