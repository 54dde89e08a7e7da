#include "server/emergency_episode.hpp"

#include <algorithm>

#include "protocol/emergency_operations.hpp"
#include "protocol/timestamp.hpp"
#include "server/domain/emergency_tiers.hpp"
#include "server/notification_fanout.hpp"
#include "server/post_addressing.hpp"
#include "server/record_view.hpp"
#include "server/room_log.hpp"
#include "storage/acknowledgements.hpp"
#include "storage/audit.hpp"
#include "storage/events.hpp"
#include "storage/notifications.hpp"
#include "storage/users.hpp"

namespace musubi::server {

using nlohmann::json;
using protocol::Errc;
namespace kind = domain::notification_kind;

namespace {

json person_json(storage::Database& db, std::int64_t user_id) {
  const auto user = storage::find_user_by_id(db, user_id);
  if (!user) return json{{"login", ""}, {"name", ""}, {"profession", ""}};
  return json{{"login", user->login}, {"name", user->name}, {"profession", user->profession}};
}

json timestamp_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? json(protocol::format_timestamp(*ms)) : json(nullptr);
}

// A record at its latest revision, or null.
json record_at(storage::Database& db, std::int64_t room_id,
               const std::optional<std::int64_t>& seq) {
  if (!seq) return nullptr;
  const auto record = storage::find_event(db, room_id, *seq);
  return record ? current_view(db, *record) : json(nullptr);
}

// What every alert carries: the plan, the ACP decision and the steps for a helper alone.
json plan_attachment(storage::Database& db, const storage::Emergency& e) {
  auto plan = record_at(db, e.room_id, e.plan_seq);
  json steps = json::array();
  if (plan.is_object()) steps = plan["content"].value("helper_steps", json::array());
  return json{{"plan", std::move(plan)},
              {"acp", record_at(db, e.room_id, e.acp_seq)},
              {"helper_steps", std::move(steps)}};
}

// Everyone alerted so far (tiers before `e.tier`).
std::vector<std::int64_t> alerted_so_far(const storage::Emergency& e) {
  std::vector<std::int64_t> ids;
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(e.tier), e.tiers.size());
  for (std::size_t t = 0; t < n; ++t)
    ids.insert(ids.end(), e.tiers[t].begin(), e.tiers[t].end());
  return ids;
}

// The members of a tier who are still members of the room (someone may have left since).
std::vector<std::int64_t> still_members(storage::Database& db, std::int64_t room_id,
                                        const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> out;
  for (const auto id : ids) {
    if (storage::member_role(db, room_id, id)) out.push_back(id);
  }
  return out;
}

json people_json(storage::Database& db, const std::vector<std::int64_t>& ids) {
  json out = json::array();
  for (const auto id : ids)
    out.push_back(person_json(db, id));
  return out;
}

std::vector<domain::Recipient> recipients(const std::vector<std::int64_t>& ids,
                                          std::string_view what, bool requires_ack,
                                          std::int64_t except = 0) {
  std::vector<domain::Recipient> out;
  for (const auto id : ids) {
    if (id != except) out.push_back(domain::Recipient{id, what, requires_ack});
  }
  return out;
}

// The raiser and everyone alerted so far, for updates.
std::vector<std::int64_t> concerned(const storage::Emergency& e) {
  auto ids = alerted_so_far(e);
  if (std::find(ids.begin(), ids.end(), e.raised_by) == ids.end()) ids.push_back(e.raised_by);
  return ids;
}

// Appends an entry of the episode and tells `to` about it (emergency_update).
std::int64_t append_update(storage::Database& db, OperationResult& r, const storage::Emergency& e,
                           const std::string& room_public_id, std::string_view type,
                           const Actor& author, json content, const std::vector<std::int64_t>& to,
                           std::int64_t now_ms) {
  content["emergency"] = e.seq;
  r.broadcasts.push_back(append_room_event(db, e.room_id, room_public_id, type, author.person,
                                           author.user_id, std::move(content), 0, now_ms));
  const auto seq = r.broadcasts.back()->seq;
  send_notifications(
      db, r,
      {e.room_id, seq, recipients(to, kind::emergency_update, false, author.user_id), e.seq, {}},
      now_ms);
  return seq;
}

Actor actor_of(storage::Database& db, std::int64_t user_id) {
  const auto user = storage::find_user_by_id(db, user_id);
  return user ? Actor{user_id, {user->login, user->name}} : Actor{user_id, {}};
}

// emergency_status() with the plan attachment already read.
json status_with(storage::Database& db, const storage::Emergency& e,
                 const std::string& room_public_id, json attachment) {
  const auto acks = storage::acknowledgement_states(db, e.room_id, e.seq);
  json alerted = json::array();
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(e.tier), e.tiers.size());
  for (std::size_t t = 0; t < n; ++t) {
    for (const auto id : e.tiers[t]) {
      auto person = person_json(db, id);
      person["tier"] = t + 1;
      const auto ack = std::find_if(acks.begin(), acks.end(),
                                    [&](const storage::AckState& a) { return a.user_id == id; });
      person["responded_at"] = ack != acks.end() ? timestamp_or_null(ack->acked_ms) : json(nullptr);
      alerted.push_back(std::move(person));
    }
  }
  json responses = json::array();
  for (const auto& a : acks) {
    if (!a.acked_ms) continue;
    json response = {{"login", a.login},
                     {"name", a.name},
                     {"profession", a.profession},
                     {"at", protocol::format_timestamp(*a.acked_ms)}};
    if (!a.note.empty()) response["note"] = a.note;
    responses.push_back(std::move(response));
  }
  json view = {{"room", room_public_id},
               {"seq", e.seq},
               {"status", e.open() ? "open" : "closed"},
               {"raised_by", person_json(db, e.raised_by)},
               {"raised_at", protocol::format_timestamp(e.raised_ms)},
               {"note", e.note.empty() ? json(nullptr) : json(e.note)},
               {"tier", n},
               {"tiers", e.tiers.size()},
               {"exhausted", !e.responder_id && static_cast<std::size_t>(e.tier) > e.tiers.size()},
               {"escalation_due", timestamp_or_null(e.escalate_at_ms)},
               {"alerted", std::move(alerted)},
               {"responder", e.responder_id ? person_json(db, *e.responder_id) : json(nullptr)},
               {"responded_at", timestamp_or_null(e.responded_ms)},
               {"responses", std::move(responses)},
               {"closed_at", timestamp_or_null(e.closed_ms)},
               {"closed_by", e.closed_by ? person_json(db, *e.closed_by) : json(nullptr)},
               {"outcome", e.outcome.empty() ? json(nullptr) : json(e.outcome)},
               {"outcome_note", e.outcome_note.empty() ? json(nullptr) : json(e.outcome_note)}};
  attachment["emergency"] = std::move(view);
  return attachment;
}

}  // namespace

json emergency_status(storage::Database& db, const storage::Emergency& e,
                      const std::string& room_public_id) {
  return status_with(db, e, room_public_id, plan_attachment(db, e));
}

OperationResult raise_emergency(storage::Database& db, const Actor& actor,
                                const storage::Membership& room,
                                const std::optional<std::string>& note, std::int64_t now_ms,
                                std::int64_t step_ms) {
  OperationResult r;
  if (const auto open = storage::open_emergency(db, room.room_id)) {
    r.result = emergency_status(db, *open, room.public_id);
    r.result["already_open"] = true;
    return r;
  }
  storage::Emergency e;
  e.room_id = room.room_id;
  e.raised_by = actor.user_id;
  e.raised_ms = now_ms;
  e.note = note.value_or("");
  if (const auto plan = storage::current_record(db, room.room_id, "emergency_plan")) {
    e.plan_seq = plan->seq;
  }
  if (const auto acp = storage::current_record(db, room.room_id, "acp_decision")) {
    e.acp_seq = acp->seq;
  }
  // Read once: the tiers, every alert and the reply all come from it.
  const auto attachment = plan_attachment(db, e);
  std::vector<domain::PlanContact> contacts;
  if (attachment["plan"].is_object()) {
    for (const auto& c : attachment["plan"]["content"].value("contacts", json::array())) {
      domain::PlanContact contact{c.value("order", 0), std::nullopt};
      if (c.contains("member") && c["member"].is_string()) contact.member = c["member"];
      contacts.push_back(std::move(contact));
    }
  }
  e.tiers = domain::emergency_tiers(contacts, routing_members(db, room.room_id), actor.user_id);
  e.tier = 1;  // the first tier now (with none, nobody is left to alert: exhausted)
  if (!e.tiers.empty()) e.escalate_at_ms = now_ms + step_ms;
  const auto first = e.tiers.empty() ? std::vector<std::int64_t>{} : e.tiers.front();

  json content = {{"plan_seq", e.plan_seq ? json(*e.plan_seq) : json(nullptr)},
                  {"acp_seq", e.acp_seq ? json(*e.acp_seq) : json(nullptr)},
                  {"tier", first.empty() ? 0 : 1},
                  {"alerted", people_json(db, first)}};
  if (note) content["note"] = *note;
  r.broadcasts.push_back(append_room_event(db, room.room_id, room.public_id,
                                           protocol::room_event_type::emergency, actor.person,
                                           actor.user_id, std::move(content), 0, now_ms));
  e.seq = r.broadcasts.back()->seq;
  e.id = storage::insert_emergency(db, e);
  send_notifications(
      db, r, {room.room_id, e.seq, recipients(first, kind::emergency, true), e.seq, attachment},
      now_ms);
  storage::append_audit(
      db, now_ms, actor.user_id, "emergency.raise", room.room_id,
      "seq=" + std::to_string(e.seq) + " alerted=" + std::to_string(first.size()));
  if (e.escalate_at_ms) r.escalation = OperationResult::EscalationDue{e.id, *e.escalate_at_ms};
  r.result = status_with(db, e, room.public_id, attachment);
  r.result["already_open"] = false;
  return r;
}

EscalationStep escalate_emergency(storage::Database& db, std::int64_t id, std::int64_t now_ms,
                                  std::int64_t step_ms) {
  EscalationStep step;
  auto e = storage::find_emergency(db, id);
  if (!e || !e->escalate_at_ms) return step;  // answered or closed meanwhile
  // A timer may fire a little early (clocks differ); come back when it is due.
  if (*e->escalate_at_ms > now_ms) {
    step.next_at_ms = e->escalate_at_ms;
    return step;
  }
  const auto room_public_id = storage::room_public_id(db, e->room_id);
  const auto raiser = actor_of(db, e->raised_by);
  const auto from = e->tier;
  auto& r = step.result;
  if (static_cast<std::size_t>(from) < e->tiers.size()) {
    const auto next = still_members(db, e->room_id, e->tiers[static_cast<std::size_t>(from)]);
    step.next_at_ms = now_ms + step_ms;
    if (!storage::advance_escalation(db, id, from, from + 1, step.next_at_ms)) return {};
    const auto before = concerned(*e);  // the raiser and the earlier tiers
    e->tier = from + 1;
    // The escalation entry: the next tier is alerted like the first, with the plan attached.
    r.broadcasts.push_back(append_room_event(db, e->room_id, room_public_id,
                                             protocol::room_event_type::emergency_escalated,
                                             raiser.person, raiser.user_id,
                                             json{{"emergency", e->seq},
                                                  {"tier", from + 1},
                                                  {"alerted", people_json(db, next)},
                                                  {"exhausted", false}},
                                             0, now_ms));
    const auto seq = r.broadcasts.back()->seq;
    send_notifications(db, r,
                       {e->room_id, e->seq, recipients(next, kind::emergency, true), e->seq,
                        plan_attachment(db, *e)},
                       now_ms);
    send_notifications(
        db, r, {e->room_id, seq, recipients(before, kind::emergency_update, false), e->seq, {}},
        now_ms);
    return step;
  }
  // Every tier was alerted and nobody answered: say so to all of them.
  if (!storage::advance_escalation(db, id, from, from + 1, std::nullopt)) return {};
  r.broadcasts.push_back(append_room_event(
      db, e->room_id, room_public_id, protocol::room_event_type::emergency_escalated, raiser.person,
      raiser.user_id,
      json{{"emergency", e->seq}, {"tier", from}, {"alerted", json::array()}, {"exhausted", true}},
      0, now_ms));
  const auto seq = r.broadcasts.back()->seq;
  send_notifications(
      db, r,
      {e->room_id, seq, recipients(concerned(*e), kind::emergency_update, false), e->seq, {}},
      now_ms);
  return step;
}

OperationResult respond_to_emergency(storage::Database& db, const Actor& actor,
                                     const storage::Membership& room, const storage::Emergency& e,
                                     const std::optional<std::string>& note, std::int64_t now_ms) {
  if (actor.user_id == e.raised_by) {
    return OperationResult::failure(
        Errc::invalid_request,
        "you raised this emergency; close it with emergency.close when it is over");
  }
  OperationResult r;
  if (!storage::acknowledge(db, room.room_id, e.seq, actor.user_id, note.value_or(""), now_ms)) {
    r.result = json{{"room", room.public_id}, {"seq", e.seq}, {"already", true}};
    return r;
  }
  storage::mark_entry_notifications_read(db, actor.user_id, room.room_id, e.seq, now_ms);
  const bool first = storage::record_first_response(db, e.id, actor.user_id, now_ms);
  // Someone is coming: the others alerted no longer owe an answer.
  if (first) storage::release_acknowledgements(db, room.room_id, e.seq);
  json content = {{"first", first}};
  if (note) content["note"] = *note;
  append_update(db, r, e, room.public_id, protocol::room_event_type::emergency_response, actor,
                std::move(content), concerned(e), now_ms);
  r.result = json{{"room", room.public_id},
                  {"seq", e.seq},
                  {"already", false},
                  {"first", first},
                  {"acknowledged_at", protocol::format_timestamp(now_ms)}};
  return r;
}

OperationResult end_emergency(storage::Database& db, const Actor& actor,
                              const storage::Membership& room, std::int64_t seq,
                              const std::string& outcome, const std::optional<std::string>& note,
                              std::int64_t now_ms) {
  auto e = storage::emergency_by_seq(db, room.room_id, seq);
  if (!e) return OperationResult::failure(Errc::not_found, "no emergency was raised at this seq");
  if (!storage::close_emergency(db, e->id, actor.user_id, outcome, note.value_or(""), now_ms)) {
    return OperationResult::failure(Errc::conflict, "the emergency is already closed");
  }
  storage::release_acknowledgements(db, room.room_id, seq);
  json content = {{"outcome", outcome}};
  if (note) content["note"] = *note;
  OperationResult r;
  append_update(db, r, *e, room.public_id, protocol::room_event_type::emergency_closed, actor,
                std::move(content), concerned(*e), now_ms);
  storage::append_audit(db, now_ms, actor.user_id, "emergency.close", room.room_id,
                        "seq=" + std::to_string(seq) + " outcome=" + outcome);
  r.result = emergency_status(db, *storage::find_emergency(db, e->id), room.public_id);
  return r;
}

}  // namespace musubi::server
