#include "storage/patients.hpp"

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

constexpr const char* kColumns =
    "SELECT p.id, p.public_id, p.name, p.kana, p.birth_date, p.sex, p.municipality, p.address, "
    "p.registered_by, p.registered_ms FROM patients p ";

// The user registered the patient, is a party to one of their requests, or a room member.
constexpr const char* kVisible =
    "(p.registered_by = ?1 "
    " OR EXISTS (SELECT 1 FROM room_requests r WHERE r.patient_id = p.id AND "
    "   (r.requester_id = ?1 OR r.physician_id = ?1 OR r.stand_in_id = ?1 OR EXISTS "
    "     (SELECT 1 FROM room_request_team t WHERE t.request_id = r.id AND t.user_id = ?1))) "
    " OR EXISTS (SELECT 1 FROM rooms m JOIN members x ON x.room_id = m.id "
    "   WHERE m.patient_id = p.id AND x.user_id = ?1))";

Patient read_patient(const Statement& st) {
  Patient p;
  p.id = st.int64(0);
  p.public_id = st.text(1);
  p.name = st.text(2);
  p.kana = st.text(3);
  p.birth_date = st.text(4);
  p.sex = st.text(5);
  p.municipality = st.text(6);
  p.address = st.text(7);
  p.registered_by = st.int64(8);
  p.registered_ms = st.int64(9);
  return p;
}

std::optional<Patient> find_one(Statement& st) {
  std::optional<Patient> found;
  if (st.step()) found = read_patient(st);
  st.reset();
  return found;
}

}  // namespace

std::int64_t insert_patient(Database& db, const Patient& p) {
  db.prepare(
        "INSERT INTO patients (public_id, name, kana, birth_date, sex, municipality, address, "
        "registered_by, registered_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, p.public_id)
      .bind(2, p.name)
      .bind(3, p.kana)
      .bind(4, p.birth_date)
      .bind(5, p.sex)
      .bind(6, p.municipality)
      .bind(7, p.address)
      .bind(8, p.registered_by)
      .bind(9, p.registered_ms)
      .run();
  return db.last_insert_rowid();
}

std::optional<Patient> find_patient(Database& db, std::string_view public_id) {
  return find_one(db.prepare(std::string(kColumns) + "WHERE p.public_id = ?").bind(1, public_id));
}

std::optional<Patient> find_patient_by_id(Database& db, std::int64_t id) {
  return find_one(db.prepare(std::string(kColumns) + "WHERE p.id = ?").bind(1, id));
}

bool patient_exists(Database& db, std::string_view name, std::string_view kana,
                    std::string_view birth_date) {
  auto& st = db.prepare("SELECT 1 FROM patients WHERE name = ? AND kana = ? AND birth_date = ?");
  st.bind(1, name).bind(2, kana).bind(3, birth_date);
  const bool found = st.step();
  st.reset();
  return found;
}

void append_consent(Database& db, std::int64_t patient_id, const Consent& c) {
  db.prepare(
        "INSERT INTO consents (patient_id, consent_date, obtained_by, note, recorded_by, "
        "recorded_ms) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, patient_id)
      .bind(2, c.consent_date)
      .bind(3, c.obtained_by)
      .bind(4, c.note)
      .bind(5, c.recorded_by)
      .bind(6, c.recorded_ms)
      .run();
}

std::optional<Consent> latest_consent(Database& db, std::int64_t patient_id) {
  auto& st = db.prepare(
      "SELECT consent_date, obtained_by, note, recorded_by, recorded_ms FROM consents "
      "WHERE patient_id = ? ORDER BY id DESC LIMIT 1");
  st.bind(1, patient_id);
  std::optional<Consent> found;
  if (st.step()) found = Consent{st.text(0), st.text(1), st.text(2), st.int64(3), st.int64(4)};
  st.reset();
  return found;
}

bool may_see_patient(Database& db, std::int64_t patient_id, std::int64_t user_id) {
  auto& st = db.prepare(std::string("SELECT 1 FROM patients p WHERE p.id = ?2 AND ") + kVisible);
  st.bind(1, user_id).bind(2, patient_id);
  const bool visible = st.step();
  st.reset();
  return visible;
}

std::vector<Patient> patients_visible_to(Database& db, std::int64_t user_id) {
  auto& st = db.prepare(std::string(kColumns) + "WHERE " + kVisible + " ORDER BY p.id DESC");
  st.bind(1, user_id);
  std::vector<Patient> out;
  while (st.step())
    out.push_back(read_patient(st));
  return out;
}

}  // namespace musubi::storage
