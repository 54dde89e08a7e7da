// meta.templates, room.post_record, room.correct, room.withdraw, room.current_plan,
// room.export_fhir: structured records, kept as written. A correction is a new revision that points
// at the original; a withdrawal marks it withdrawn, with who and why. Nothing is ever deleted
// (真正性).
#include "protocol/record_operations.hpp"

#include <algorithm>
#include <variant>

#include "protocol/fhir/discharge_bundle.hpp"
#include "protocol/room_event.hpp"
#include "protocol/template_catalog.hpp"
#include "protocol/timestamp.hpp"
#include "server/clock.hpp"
#include "server/connection.hpp"
#include "server/post_addressing.hpp"
#include "server/record_view.hpp"
#include "server/room_access.hpp"
#include "server/room_log.hpp"
#include "storage/audit.hpp"
#include "storage/events.hpp"
#include "storage/patients.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;

namespace {

// The plan a helper needs in one tap: the current ACP decision and emergency plan.
constexpr std::string_view kPlanTemplates[] = {"acp_decision", "emergency_plan"};
constexpr std::string_view kEndOfLifeNote = "end_of_life_note";

// An emergency plan's contacts name members to alert (contacts[].member): each must be one, or
// the alert would silently go nowhere.
std::optional<OperationResult> unknown_plan_members(storage::Database& db, std::int64_t room_id,
                                                    std::string_view template_id,
                                                    const json& content) {
  if (template_id != "emergency_plan") return std::nullopt;
  const auto contacts = content.find("contacts");
  if (contacts == content.end() || !contacts->is_array()) return std::nullopt;
  std::optional<std::vector<domain::RoomMember>> members;
  for (std::size_t i = 0; i < contacts->size(); ++i) {
    const auto member = (*contacts)[i].find("member");
    if (member == (*contacts)[i].end() || !member->is_string()) continue;
    if (!members) members = routing_members(db, room_id);
    const bool known = std::any_of(members->begin(), members->end(), [&](const auto& m) {
      return m.login == member->get_ref<const std::string&>();
    });
    if (!known) {
      return OperationResult::failure(Errc::invalid_request,
                                      "body.content.contacts[" + std::to_string(i) +
                                          "].member: no member of this room has this login");
    }
  }
  return std::nullopt;
}

// Checks a record against its template; the error names the field as the client sent it.
std::optional<OperationResult> invalid_record(const protocol::Template& tpl, const json& content) {
  const auto error = tpl.validator->validate(content);
  if (!error) return std::nullopt;
  const std::string where = error->path.empty() ? "body.content" : "body.content." + error->path;
  return OperationResult::failure(error->too_large ? Errc::too_large : Errc::invalid_request,
                                  where + ": " + error->message);
}

const protocol::Template* template_of(const storage::StoredEvent& record) {
  return record.template_id ? protocol::TemplateCatalog::embedded().find(*record.template_id)
                            : nullptr;
}

// A message or record that may be corrected or withdrawn by `user_id`, or why not.
std::variant<storage::StoredEvent, OperationResult> editable(storage::Database& db,
                                                             std::int64_t room_id, std::int64_t seq,
                                                             std::int64_t user_id) {
  auto original = storage::find_event(db, room_id, seq);
  if (!original)
    return OperationResult::failure(Errc::not_found, "no entry #" + std::to_string(seq));
  if (original->type != protocol::room_event_type::message &&
      original->type != protocol::room_event_type::record) {
    return OperationResult::failure(Errc::invalid_request,
                                    "only messages and records can be corrected or withdrawn");
  }
  if (original->author_id != user_id) {
    return OperationResult::failure(Errc::forbidden,
                                    "only the author may correct or withdraw an entry");
  }
  if (storage::latest_reference(db, room_id, seq, protocol::room_event_type::withdrawal)) {
    return OperationResult::failure(Errc::conflict, "the entry was withdrawn");
  }
  return *original;
}

}  // namespace

void Connection::list_templates(const protocol::Request& request) {
  json templates = json::array();
  for (const auto& t : protocol::TemplateCatalog::embedded().all()) {
    templates.push_back(json{{"id", t.id},
                             {"version", t.version},
                             {"title", {{"ja", t.title_ja}, {"en", t.title_en}}},
                             {"schema", t.schema}});
  }
  reply_ok(request.id, json{{"templates", std::move(templates)}});
}

void Connection::post_record(const protocol::Request& request) {
  protocol::PostRecord body;
  if (!parse_body(request, body)) return;
  const auto* tpl = protocol::TemplateCatalog::embedded().find(body.template_id);
  if (!tpl) {
    return reply_error(
        request.id, Errc::invalid_request,
        "body.template: unknown template \"" + body.template_id + "\" (meta.templates lists them)");
  }
  if (auto refusal = invalid_record(*tpl, body.content)) return finish(request.id, refusal);
  services_.store.write(
      [me = *identity_, body = std::move(body),
       version = tpl->version](storage::Database& db) mutable {
        auto writable = writable_room(db, body.room, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&writable)) return std::move(*refusal);
        const auto* room = &std::get<storage::Membership>(writable);
        OperationResult r;
        if (auto repeated = repeated_post(db, me.user_id, *room, body.nonce)) {
          r.result = std::move(*repeated);
          return r;
        }
        if (auto refusal =
                unknown_plan_members(db, room->room_id, body.template_id, body.content)) {
          return std::move(*refusal);
        }
        auto addressed = address_post(db, room->room_id, me.user_id, body.addressing,
                                      body.template_id == kEndOfLifeNote);
        if (auto* refusal = std::get_if<OperationResult>(&addressed)) return std::move(*refusal);
        const auto& addressing = std::get<AddressedPost>(addressed);
        json content = {{"template", body.template_id},
                        {"template_version", version},
                        {"content", std::move(body.content)}};
        addressing.describe(content);
        const auto now = now_ms();
        r.broadcasts.push_back(
            append_room_event(db, room->room_id, room->public_id, protocol::room_event_type::record,
                              {me.login, me.name}, me.user_id, std::move(content), 0, now,
                              body.nonce, body.template_id));
        const auto seq = r.broadcasts.back()->seq;
        const auto notified = addressing.notify(db, r, room->room_id, seq, now);
        r.result = json{{"room", room->public_id},
                        {"seq", seq},
                        {"ts", protocol::format_timestamp(now)},
                        {"notified", notified}};
        return r;
      },
      finisher(request));
}

void Connection::correct(const protocol::Request& request) {
  protocol::Correct body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) mutable {
        auto writable = writable_room(db, body.room, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&writable)) return std::move(*refusal);
        const auto* room = &std::get<storage::Membership>(writable);
        auto found = editable(db, room->room_id, body.seq, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&found)) return std::move(*refusal);
        const auto& original = std::get<storage::StoredEvent>(found);
        json revision = {{"revises", body.seq}, {"reason", body.reason}};
        if (original.type == protocol::room_event_type::record) {
          if (!body.content) {
            return OperationResult::failure(Errc::invalid_request,
                                            "body.content: a record is corrected with content");
          }
          const auto* tpl = template_of(original);
          if (!tpl) return OperationResult::failure(Errc::internal, "unknown template");
          if (auto refusal = invalid_record(*tpl, *body.content)) return std::move(*refusal);
          if (auto refusal =
                  unknown_plan_members(db, room->room_id, *original.template_id, *body.content)) {
            return std::move(*refusal);
          }
          revision["template"] = *original.template_id;
          revision["template_version"] = tpl->version;
          revision["content"] = std::move(*body.content);
        } else {
          if (!body.text) {
            return OperationResult::failure(Errc::invalid_request,
                                            "body.text: a message is corrected with text");
          }
          revision["text"] = std::move(*body.text);
        }
        // A corrected end-of-life note (the phase moved on, say) reaches the team again.
        const bool end_of_life = original.template_id == kEndOfLifeNote;
        auto addressed = address_post(db, room->room_id, me.user_id, {}, end_of_life);
        if (auto* refusal = std::get_if<OperationResult>(&addressed)) return std::move(*refusal);
        const auto& addressing = std::get<AddressedPost>(addressed);
        addressing.describe(revision);
        const auto now = now_ms();
        OperationResult r;
        r.broadcasts.push_back(
            append_room_event(db, room->room_id, room->public_id,
                              protocol::room_event_type::revision, {me.login, me.name}, me.user_id,
                              std::move(revision), 0, now, std::nullopt, std::nullopt, body.seq));
        const auto seq = r.broadcasts.back()->seq;
        storage::append_audit(db, now, me.user_id, "entry.correct", room->room_id,
                              "seq=" + std::to_string(body.seq));
        const auto notified = addressing.notify(db, r, room->room_id, seq, now);
        r.result = json{
            {"room", room->public_id}, {"seq", seq}, {"revises", body.seq}, {"notified", notified}};
        return r;
      },
      finisher(request));
}

void Connection::withdraw(const protocol::Request& request) {
  protocol::Withdraw body;
  if (!parse_body(request, body)) return;
  services_.store.write(
      [me = *identity_, body = std::move(body)](storage::Database& db) {
        auto writable = writable_room(db, body.room, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&writable)) return std::move(*refusal);
        const auto* room = &std::get<storage::Membership>(writable);
        auto found = editable(db, room->room_id, body.seq, me.user_id);
        if (auto* refusal = std::get_if<OperationResult>(&found)) return std::move(*refusal);
        const auto now = now_ms();
        OperationResult r;
        r.broadcasts.push_back(append_room_event(
            db, room->room_id, room->public_id, protocol::room_event_type::withdrawal,
            {me.login, me.name}, me.user_id, json{{"withdraws", body.seq}, {"reason", body.reason}},
            0, now, std::nullopt, std::nullopt, body.seq));
        storage::append_audit(db, now, me.user_id, "entry.withdraw", room->room_id,
                              "seq=" + std::to_string(body.seq));
        r.result = json{
            {"room", room->public_id}, {"seq", r.broadcasts.back()->seq}, {"withdraws", body.seq}};
        return r;
      },
      finisher(request));
}

void Connection::current_plan(const protocol::Request& request) {
  protocol::RoomRef body;
  if (!parse_body(request, body)) return;
  services_.store.read(
      [user_id = identity_->user_id, room = std::move(body.room)](storage::Database& db) {
        const auto membership = storage::find_membership(db, room, user_id);
        if (!membership) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        OperationResult r;
        r.result = json{{"room", room}};
        for (const auto id : kPlanTemplates) {
          const auto record = storage::current_record(db, membership->room_id, id);
          r.result[std::string(id)] = record ? current_view(db, *record) : json(nullptr);
        }
        // A read of the patient's wishes, audited like a history read.
        r.read_audit = OperationResult::ReadAudit{user_id, "plan.read", membership->room_id, ""};
        return r;
      },
      finisher(request));
}

void Connection::export_fhir(const protocol::Request& request) {
  protocol::EntryRef body;
  if (!parse_body(request, body)) return;
  // A disclosure of the patient's record outside musubi: audited in the same transaction.
  services_.store.write(
      [user_id = identity_->user_id, body = std::move(body)](storage::Database& db) {
        const auto room = storage::find_membership(db, body.room, user_id);
        if (!room) return OperationResult::failure(Errc::not_found, kRoomNotFound);
        const auto record = storage::find_event(db, room->room_id, body.seq);
        if (!record) {
          return OperationResult::failure(Errc::not_found, "no entry #" + std::to_string(body.seq));
        }
        if (record->type != protocol::room_event_type::record ||
            record->template_id != "discharge_summary") {
          return OperationResult::failure(Errc::invalid_request,
                                          "body.seq: only a discharge_summary record exports to "
                                          "FHIR");
        }
        if (storage::latest_reference(db, room->room_id, body.seq,
                                      protocol::room_event_type::withdrawal)) {
          return OperationResult::failure(Errc::conflict, "the entry was withdrawn");
        }
        const auto view = current_view(db, *record);
        const auto details = storage::room_details(db, room->room_id);
        const auto patient =
            details ? storage::find_patient_by_id(db, details->patient_id) : std::nullopt;
        const auto poster = storage::find_user_by_id(db, record->author_id);
        if (!patient || !poster)
          return OperationResult::failure(Errc::internal, "record incomplete");
        const bool revised = view["revision"].is_object();
        const protocol::fhir::RecordFacts facts{
            room->public_id, record->seq,
            revised ? view["revision"]["seq"].get<std::int64_t>() : record->seq,
            revised ? view["revision"]["ts"].get<std::string>() : view["ts"].get<std::string>()};
        OperationResult r;
        r.result =
            json{{"room", room->public_id},
                 {"seq", record->seq},
                 {"bundle",
                  protocol::fhir::discharge_bundle(
                      view["content"],
                      {patient->public_id, patient->name, patient->kana, patient->birth_date,
                       patient->sex, patient->address},
                      {poster->login, poster->name, poster->profession, poster->org_name}, facts)}};
        storage::append_audit(
            db, now_ms(), user_id, "record.export_fhir", room->room_id,
            "seq=" + std::to_string(body.seq) + " revision=" + std::to_string(facts.revision_seq));
        return r;
      },
      finisher(request));
}

}  // namespace musubi::server
