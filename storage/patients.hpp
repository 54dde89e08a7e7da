#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace musubi::storage {

class Database;

struct Patient {
  std::int64_t id = 0;
  std::string public_id;
  std::string name;
  std::string kana;
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // female, male, other, unknown
  std::string municipality;
  std::string address;
  std::int64_t registered_by = 0;
  std::int64_t registered_ms = 0;
};

// Consent to information sharing (情報共有への同意). Appended, never edited: the latest counts.
struct Consent {
  std::string consent_date;  // YYYY-MM-DD
  std::string obtained_by;   // who obtained it, as written on the consent form
  std::string note;
  std::int64_t recorded_by = 0;
  std::int64_t recorded_ms = 0;
};

std::int64_t insert_patient(Database& db, const Patient& patient);
std::optional<Patient> find_patient(Database& db, std::string_view public_id);
std::optional<Patient> find_patient_by_id(Database& db, std::int64_t id);

// Whether a patient with this name, kana and date of birth is already registered.
bool patient_exists(Database& db, std::string_view name, std::string_view kana,
                    std::string_view birth_date);

void append_consent(Database& db, std::int64_t patient_id, const Consent& consent);
std::optional<Consent> latest_consent(Database& db, std::int64_t patient_id);

// Whether the user may see the patient's record: they registered it, take part in a request for
// them, or are a member of one of their rooms.
bool may_see_patient(Database& db, std::int64_t patient_id, std::int64_t user_id);

// The patients the user may see, most recently registered first.
std::vector<Patient> patients_visible_to(Database& db, std::int64_t user_id);

}  // namespace musubi::storage
