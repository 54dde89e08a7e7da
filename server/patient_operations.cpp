// patient.register, patient.get, patient.list, patient.record_consent.
#include "protocol/care_operations.hpp"
#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/domain/participation.hpp"
#include "server/patient_view.hpp"
#include "server/random_secrets.hpp"
#include "storage/audit.hpp"
#include "storage/patients.hpp"
#include "storage/store.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

constexpr std::size_t kPatientIdLength = 12;
const char* const kPatientNotFound = "patient not found";

// City administrators run the network; patients' records are not theirs to see.
std::optional<OperationResult> refuse_city_staff(domain::Role role) {
  if (role != domain::Role::city_admin) return std::nullopt;
  return OperationResult::refused(
      domain::check_participant(domain::PersonFacts{.role = role}).value());
}

}  // namespace

void Connection::register_patient(const protocol::Request& request) {
  protocol::RegisterPatient body;
  if (!parse_body(request, body)) return;
  if (auto refusal = refuse_city_staff(identity_->role)) return finish(request.id, refusal);
  if (auto refusal = domain::check_residency(body.municipality, services_.config.municipality)) {
    return finish(request.id, OperationResult::refused(*refusal));
  }
  services_.store.write(
      [me = *identity_, body = std::move(body),
       public_id = random_base32(kPatientIdLength)](storage::Database& db) {
        // A second record of the same person would slip past "one open room per patient".
        if (storage::patient_exists(db, body.name, body.kana, body.birth_date)) {
          return OperationResult::failure(
              Errc::conflict,
              "a patient with this name, kana and date of birth is already registered; ask "
              "their care team to add you");
        }
        storage::Patient p;
        p.public_id = public_id;
        p.name = body.name;
        p.kana = body.kana;
        p.birth_date = body.birth_date;
        p.sex = body.sex;
        p.municipality = body.municipality;
        p.address = body.address;
        p.registered_by = me.user_id;
        p.registered_ms = now_ms();
        p.id = storage::insert_patient(db, p);
        storage::append_audit(db, p.registered_ms, me.user_id, "patient.register", std::nullopt,
                              "patient=" + public_id);
        OperationResult r;
        r.result = patient_view(p, std::nullopt);
        return r;
      },
      finisher(request));
}

void Connection::get_patient(const protocol::Request& request) {
  protocol::PatientRef body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, patient = std::move(body.patient)](storage::Database& db) {
        const auto p = storage::find_patient(db, patient);
        if (!p || !storage::may_see_patient(db, p->id, user_id)) {
          return OperationResult::failure(Errc::not_found, kPatientNotFound);
        }
        OperationResult r;
        r.result = patient_view(*p, storage::latest_consent(db, p->id));
        return r;
      },
      finisher(request));
}

void Connection::list_patients(const protocol::Request& request) {
  services_.store.read(
      [user_id = identity_->user_id](storage::Database& db) {
        json patients = json::array();
        for (const auto& p : storage::patients_visible_to(db, user_id)) {
          patients.push_back(patient_view(p, storage::latest_consent(db, p.id)));
        }
        OperationResult r;
        r.result = json{{"patients", std::move(patients)}};
        return r;
      },
      finisher(request));
}

void Connection::record_consent(const protocol::Request& request) {
  protocol::RecordConsent body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        const auto p = storage::find_patient(db, body.patient);
        if (!p || !storage::may_see_patient(db, p->id, me.user_id)) {
          return OperationResult::failure(Errc::not_found, kPatientNotFound);
        }
        const auto now = now_ms();
        const storage::Consent consent{body.date, body.obtained_by, body.note, me.user_id, now};
        storage::append_consent(db, p->id, consent);
        storage::append_audit(db, now, me.user_id, "patient.consent", std::nullopt,
                              "patient=" + p->public_id);
        OperationResult r;
        r.result = patient_view(*p, consent);
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
