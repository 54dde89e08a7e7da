// request.file, request.list, request.get, request.act: opening a patient's room under the
// attending-physician rule (server/domain/room_opening.hpp decides; this file persists).
#include "protocol/care_operations.hpp"
#include "protocol/room_event.hpp"
#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/domain/room_opening.hpp"
#include "server/person_facts.hpp"
#include "server/random_secrets.hpp"
#include "server/room_log.hpp"
#include "storage/audit.hpp"
#include "storage/patients.hpp"
#include "storage/room_requests.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

constexpr std::size_t kPublicIdLength = 12;
const char* const kRequestNotFound = "request not found";

json person(const std::optional<storage::User>& user) {
  if (!user) return nullptr;
  return json{{"login", user->login},
              {"name", user->name},
              {"profession", user->profession},
              {"org", {{"code", user->org_code}, {"name", user->org_name}}}};
}

// Everyone the request concerns: they see it and hear of each step.
std::vector<std::int64_t> parties(storage::Database& db, const storage::RoomRequest& r) {
  std::vector<std::int64_t> ids = {r.requester_id, r.physician_id};
  if (r.stand_in_id) ids.push_back(*r.stand_in_id);
  for (const auto id : storage::team_of(db, r.id))
    ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

bool is_party(storage::Database& db, const storage::RoomRequest& r, std::int64_t user_id) {
  const auto ids = parties(db, r);
  return std::find(ids.begin(), ids.end(), user_id) != ids.end();
}

// Whether a visiting nurse will be in the room: the requester or a team member, still able to
// take part (one disabled since, or whose organization retired, would be a member in name only).
bool has_visiting_nurse(storage::Database& db, const storage::RoomRequest& r) {
  auto ids = storage::team_of(db, r.id);
  ids.push_back(r.requester_id);
  for (const auto id : ids) {
    const auto user = storage::find_user_by_id(db, id);
    if (!user) continue;
    const auto facts = person_facts(*user);
    if (domain::is_visiting_nurse(facts) && !domain::check_participant(facts)) return true;
  }
  return false;
}

// The request as the wire shows it, with its history (every step and report).
json request_view(storage::Database& db, const storage::RoomRequest& r) {
  const auto patient = storage::find_patient_by_id(db, r.patient_id);
  json team = json::array();
  for (const auto id : storage::team_of(db, r.id)) {
    team.push_back(person(storage::find_user_by_id(db, id)));
  }
  json log = json::array();
  for (const auto& e : storage::request_log(db, r.id)) {
    const auto actor = storage::find_user_by_id(db, e.actor_id);
    json entry = {{"ts", protocol::format_timestamp(e.ts_ms)},
                  {"actor", actor ? actor->login : ""},
                  {"action", e.action},
                  {"from", e.from_state},
                  {"to", e.to_state}};
    if (!e.report.empty()) entry["report"] = e.report;
    if (!e.detail.empty()) entry["detail"] = e.detail;
    log.push_back(std::move(entry));
  }
  json view = {{"request", r.public_id},
               {"patient", {{"patient", patient->public_id}, {"name", patient->name}}},
               {"state", r.state},
               {"requester", person(storage::find_user_by_id(db, r.requester_id))},
               {"requester_profession", r.requester_profession},
               {"first_request", r.first_request},
               {"physician", person(storage::find_user_by_id(db, r.physician_id))},
               {"physician_setting", r.physician_setting},
               {"physician_declined", r.physician_declined},
               {"stand_in", r.stand_in_id ? person(storage::find_user_by_id(db, *r.stand_in_id))
                                          : json(nullptr)},
               {"team", std::move(team)},
               {"visiting_nurse_on_team", has_visiting_nurse(db, r)},
               {"note", r.note},
               {"room", nullptr},
               {"created", protocol::format_timestamp(r.created_ms)},
               {"updated", protocol::format_timestamp(r.updated_ms)},
               {"log", std::move(log)}};
  if (r.room_id) {
    auto& st = db.prepare("SELECT public_id FROM rooms WHERE id = ?").bind(1, *r.room_id);
    if (st.step()) view["room"] = st.text(0);
    st.reset();
  }
  return view;
}

// Opens the patient's room as the decision says: the requester (first administrator), the team,
// and the physician or the stand-in. Each member's devices hear room.added.
void open_room(storage::Database& db, storage::RoomRequest& request,
               const domain::Decision& decision, std::int64_t now, OperationResult& out) {
  const auto patient = storage::find_patient_by_id(db, request.patient_id);
  const auto requester = storage::find_user_by_id(db, request.requester_id);
  storage::NewRoom room;
  room.public_id = random_base32(kPublicIdLength);
  room.title = patient->name + " 様";
  room.creator = request.requester_id;
  room.patient_id = request.patient_id;
  room.request_id = request.id;
  room.physician_participates = decision.physician_joins;
  if (decision.stand_in_joins) room.stand_in_id = request.stand_in_id;
  room.stand_in_kind = std::string(domain::to_string(decision.stand_in_kind));
  const auto room_id = storage::insert_room(db, room, now);
  request.room_id = room_id;
  const protocol::Person author{requester->login, requester->name};
  out.broadcasts.push_back(
      append_room_event(db, room_id, room.public_id, protocol::room_event_type::room_created,
                        author, request.requester_id,
                        json{{"title", room.title},
                             {"patient", patient->public_id},
                             {"physician_participates", room.physician_participates},
                             {"stand_in_kind", room.stand_in_kind}},
                        0, now));
  std::vector<std::int64_t> candidates = storage::team_of(db, request.id);
  if (decision.physician_joins) candidates.push_back(request.physician_id);
  if (decision.stand_in_joins && request.stand_in_id) candidates.push_back(*request.stand_in_id);
  std::vector<std::int64_t> members;  // those who joined, told below
  for (const auto user_id : candidates) {
    if (user_id == request.requester_id) continue;
    const auto user = storage::find_user_by_id(db, user_id);
    if (!user || !storage::insert_member(db, room_id, user_id, storage::Role::member,
                                         request.requester_id, now)) {
      continue;
    }
    members.push_back(user_id);
    out.broadcasts.push_back(append_room_event(
        db, room_id, room.public_id, protocol::room_event_type::member_added, author,
        request.requester_id,
        json{{"member", {{"login", user->login}, {"name", user->name}}}, {"role", "member"}},
        user_id, now));
  }
  members.push_back(request.requester_id);
  for (const auto user_id : members) {
    out.notify(user_id, protocol::event::room_added,
               json{{"room", room.public_id},
                    {"title", room.title},
                    {"role", user_id == request.requester_id ? "admin" : "member"}});
  }
}

}  // namespace

void Connection::file_request(const protocol::Request& request) {
  protocol::FileRequest body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body),
       public_id = random_base32(kPublicIdLength)](storage::Database& db) {
        const auto requester = storage::find_user_by_id(db, me.user_id);
        if (auto refusal = domain::check_participant(person_facts(*requester))) {
          return OperationResult::refused(*refusal);
        }
        const auto patient = storage::find_patient(db, body.patient);
        if (!patient || !storage::may_see_patient(db, patient->id, me.user_id)) {
          return OperationResult::failure(Errc::not_found, "patient not found");
        }
        if (!storage::latest_consent(db, patient->id)) {
          return OperationResult::failure(
              Errc::consent_required,
              "record the patient's consent to information sharing (patient.record_consent) "
              "before requesting a room");
        }
        if (storage::patient_has_request_or_open_room(db, patient->id)) {
          return OperationResult::failure(
              Errc::room_exists, "this patient already has an open room or a request in progress");
        }
        const auto physician = storage::find_user_by_login(db, body.physician);
        if (!physician) return OperationResult::failure(Errc::not_found, "physician not found");
        if (auto refusal = domain::check_participant(person_facts(*physician))) {
          return OperationResult::refused(*refusal);
        }
        if (physician->profession != domain::to_string(domain::Profession::physician)) {
          return OperationResult::failure(Errc::not_a_physician,
                                          body.physician + " is not a physician");
        }
        std::vector<std::int64_t> team;
        for (const auto& login : body.team) {
          const auto user = storage::find_user_by_login(db, login);
          if (!user) return OperationResult::failure(Errc::not_found, login + " not found");
          if (auto refusal = domain::check_participant(person_facts(*user))) {
            return OperationResult::refused(
                domain::Refusal{refusal->code, login + ": " + refusal->message});
          }
          if (user->id != me.user_id && user->id != physician->id) team.push_back(user->id);
        }
        const auto now = now_ms();
        storage::RoomRequest r;
        r.public_id = public_id;
        r.patient_id = patient->id;
        r.requester_id = me.user_id;
        r.requester_profession = requester->profession;
        r.first_request = !storage::has_filed_before(db, me.user_id);
        r.physician_id = physician->id;
        r.physician_setting = std::string(
            domain::to_string(physician->org_type == domain::to_string(domain::OrgType::hospital)
                                  ? domain::PhysicianSetting::hospital
                                  : domain::PhysicianSetting::clinic));
        r.state = std::string(domain::to_string(domain::RequestState::awaiting_physician));
        r.note = body.note;
        r.created_ms = r.updated_ms = now;
        r.id = storage::insert_request(db, r);
        for (const auto id : team)
          storage::add_team_member(db, r.id, id);
        storage::append_request_log(db, r.id,
                                    {now, me.user_id, "file", "", r.state, "",
                                     body.note.empty() ? "" : "note=" + body.note});
        storage::append_audit(db, now, me.user_id, "request.file", std::nullopt,
                              "request=" + public_id + " patient=" + patient->public_id);
        OperationResult out;
        out.result = request_view(db, r);
        out.notify_all(parties(db, r), protocol::event::request_updated, out.result);
        return out;
      },
      finisher(request));
}

void Connection::list_requests(const protocol::Request& request) {
  services_.store.read(
      [user_id = identity_->user_id](storage::Database& db) {
        json list = json::array();
        for (const auto& r : storage::requests_of_user(db, user_id)) {
          list.push_back(request_view(db, r));
        }
        OperationResult out;
        out.result = json{{"requests", std::move(list)}};
        return out;
      },
      finisher(request));
}

void Connection::get_request(const protocol::Request& request) {
  protocol::RequestRef body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, id = std::move(body.request)](storage::Database& db) {
        const auto r = storage::find_request(db, id);
        if (!r || !is_party(db, *r, user_id)) {
          return OperationResult::failure(Errc::not_found, kRequestNotFound);
        }
        OperationResult out;
        out.result = request_view(db, *r);
        return out;
      },
      finisher(request));
}

void Connection::act_on_request(const protocol::Request& request) {
  protocol::ActOnRequest body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        auto r = storage::find_request(db, body.request);
        if (!r || !is_party(db, *r, me.user_id)) {
          return OperationResult::failure(Errc::not_found, kRequestNotFound);
        }
        const auto action = *domain::parse_request_action(body.action);
        // A physician who filed for their own patient answers as the physician; liaison staff
        // who filed and asked themselves to stand in answer as the stand-in.
        const bool answering =
            action == domain::RequestAction::accept || action == domain::RequestAction::decline;
        const bool answering_as_stand_in = action == domain::RequestAction::stand_in_accept ||
                                           action == domain::RequestAction::stand_in_decline;
        const bool asked_to_stand_in = r->stand_in_id && me.user_id == *r->stand_in_id;
        const domain::Party party =
            answering && me.user_id == r->physician_id   ? domain::Party::physician
            : answering_as_stand_in && asked_to_stand_in ? domain::Party::stand_in
            : me.user_id == r->requester_id              ? domain::Party::requester
            : me.user_id == r->physician_id              ? domain::Party::physician
            : asked_to_stand_in                          ? domain::Party::stand_in
                                                         : domain::Party::other;
        domain::RequestFacts facts;
        facts.state = domain::parse_request_state(r->state).value();
        facts.setting = domain::parse_physician_setting(r->physician_setting).value();
        facts.physician_declined = r->physician_declined;
        facts.team_has_visiting_nurse = has_visiting_nurse(db, *r);
        // The person named by ask_stand_in or add_team_member (and only by those).
        std::optional<storage::User> candidate;
        const bool names_someone = action == domain::RequestAction::ask_stand_in ||
                                   action == domain::RequestAction::add_team_member;
        if (names_someone && party != domain::Party::requester) {
          // Before any lookup: a login's existence is nobody else's business.
          return OperationResult::failure(Errc::forbidden, "only the requester may " + body.action);
        }
        if (names_someone) {
          candidate = storage::find_user_by_login(db, *body.login);
          if (!candidate)
            return OperationResult::failure(Errc::not_found, *body.login + " not found");
          if (auto refusal = domain::check_participant(person_facts(*candidate))) {
            return OperationResult::refused(*refusal);
          }
          const auto physician = storage::find_user_by_id(db, r->physician_id);
          facts.candidate_is_physicians_colleague =
              candidate->org_id == physician->org_id && candidate->id != physician->id;
          facts.candidate_is_visiting_nurse = domain::is_visiting_nurse(person_facts(*candidate));
        }
        const auto outcome = domain::decide(facts, action, party);
        if (outcome.refusal) return OperationResult::refused(*outcome.refusal);
        const auto& decision = *outcome.decision;

        const auto now = now_ms();
        const std::string from = r->state;
        const auto notified = parties(db, *r);  // before a declining stand-in leaves
        switch (action) {
          case domain::RequestAction::decline: r->physician_declined = true; break;
          case domain::RequestAction::ask_stand_in: r->stand_in_id = candidate->id; break;
          case domain::RequestAction::stand_in_decline: r->stand_in_id.reset(); break;
          case domain::RequestAction::add_team_member:
            // The requester and the physician have places of their own.
            if (candidate->id != r->requester_id && candidate->id != r->physician_id) {
              storage::add_team_member(db, r->id, candidate->id);
            }
            break;
          default: break;
        }
        r->state = std::string(domain::to_string(decision.next));
        r->updated_ms = now;
        OperationResult out;
        if (decision.opens_room) open_room(db, *r, decision, now, out);
        storage::update_request(db, *r);
        std::string detail = names_someone ? "login=" + *body.login : "";
        if (!body.note.empty())
          detail += (detail.empty() ? "" : " ") + std::string("note=") + body.note;
        storage::append_request_log(db, r->id,
                                    {now, me.user_id, body.action, from, r->state,
                                     std::string(domain::to_string(decision.report)), detail});
        storage::append_audit(db, now, me.user_id, "request." + body.action, r->room_id,
                              "request=" + r->public_id + " " + from + "->" + r->state);
        out.result = request_view(db, *r);
        auto everyone = parties(db, *r);
        everyone.insert(everyone.end(), notified.begin(), notified.end());
        std::sort(everyone.begin(), everyone.end());
        everyone.erase(std::unique(everyone.begin(), everyone.end()), everyone.end());
        out.notify_all(everyone, protocol::event::request_updated, out.result);
        return out;
      },
      finisher(request));
}

}  // namespace musubi::server
