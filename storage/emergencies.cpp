#include "storage/emergencies.hpp"

#include <sstream>

#include "storage/database.hpp"

namespace musubi::storage {

namespace {

constexpr const char* kColumns =
    "SELECT id, room_id, seq, raised_by, raised_ms, note, plan_seq, acp_seq, tiers, tier, "
    "escalate_at_ms, responder_id, responded_ms, closed_by, closed_ms, outcome, outcome_note "
    "FROM emergencies ";

// "1,2;3": tiers separated by ';', user ids by ','.
std::string encode_tiers(const std::vector<std::vector<std::int64_t>>& tiers) {
  std::string out;
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    if (t > 0) out += ';';
    for (std::size_t i = 0; i < tiers[t].size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(tiers[t][i]);
    }
  }
  return out;
}

std::vector<std::vector<std::int64_t>> decode_tiers(const std::string& text) {
  std::vector<std::vector<std::int64_t>> tiers;
  std::istringstream all(text);
  std::string tier;
  while (std::getline(all, tier, ';')) {
    std::vector<std::int64_t> ids;
    std::istringstream one(tier);
    std::string id;
    while (std::getline(one, id, ','))
      ids.push_back(std::stoll(id));
    tiers.push_back(std::move(ids));
  }
  return tiers;
}

std::optional<std::int64_t> optional_int(const Statement& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  return st.int64(column);
}

Emergency read_row(const Statement& st) {
  Emergency e;
  e.id = st.int64(0);
  e.room_id = st.int64(1);
  e.seq = st.int64(2);
  e.raised_by = st.int64(3);
  e.raised_ms = st.int64(4);
  e.note = st.text(5);
  e.plan_seq = optional_int(st, 6);
  e.acp_seq = optional_int(st, 7);
  e.tiers = decode_tiers(st.text(8));
  e.tier = static_cast<int>(st.int64(9));
  e.escalate_at_ms = optional_int(st, 10);
  e.responder_id = optional_int(st, 11);
  e.responded_ms = optional_int(st, 12);
  e.closed_by = optional_int(st, 13);
  e.closed_ms = optional_int(st, 14);
  e.outcome = st.text(15);
  e.outcome_note = st.text(16);
  return e;
}

std::optional<Emergency> one(Statement& st) {
  if (!st.step()) return std::nullopt;
  auto e = read_row(st);
  st.reset();
  return e;
}

}  // namespace

std::int64_t insert_emergency(Database& db, const Emergency& e) {
  db.prepare(
        "INSERT INTO emergencies (room_id, seq, raised_by, raised_ms, note, plan_seq, acp_seq, "
        "tiers, tier, escalate_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, e.room_id)
      .bind(2, e.seq)
      .bind(3, e.raised_by)
      .bind(4, e.raised_ms)
      .bind(5, e.note)
      .bind(6, e.plan_seq)
      .bind(7, e.acp_seq)
      .bind(8, encode_tiers(e.tiers))
      .bind(9, e.tier)
      .bind(10, e.escalate_at_ms)
      .run();
  return db.last_insert_rowid();
}

std::optional<Emergency> find_emergency(Database& db, std::int64_t id) {
  return one(db.prepare(std::string(kColumns) + "WHERE id = ?").bind(1, id));
}

std::optional<Emergency> open_emergency(Database& db, std::int64_t room_id) {
  return one(db.prepare(std::string(kColumns) + "WHERE room_id = ? AND closed_ms IS NULL")
                 .bind(1, room_id));
}

std::optional<Emergency> emergency_by_seq(Database& db, std::int64_t room_id, std::int64_t seq) {
  return one(db.prepare(std::string(kColumns) + "WHERE room_id = ? AND seq = ?")
                 .bind(1, room_id)
                 .bind(2, seq));
}

std::optional<Emergency> latest_emergency(Database& db, std::int64_t room_id) {
  return one(db.prepare(std::string(kColumns) + "WHERE room_id = ? ORDER BY id DESC LIMIT 1")
                 .bind(1, room_id));
}

std::vector<DueEscalation> pending_escalations(Database& db) {
  auto& st = db.prepare(
      "SELECT id, escalate_at_ms FROM emergencies WHERE escalate_at_ms IS NOT NULL "
      "ORDER BY escalate_at_ms");
  std::vector<DueEscalation> out;
  while (st.step())
    out.push_back(DueEscalation{st.int64(0), st.int64(1)});
  return out;
}

bool advance_escalation(Database& db, std::int64_t id, int from_tier, int to_tier,
                        std::optional<std::int64_t> next_at_ms) {
  db.prepare(
        "UPDATE emergencies SET tier = ?, escalate_at_ms = ? "
        "WHERE id = ? AND tier = ? AND escalate_at_ms IS NOT NULL")
      .bind(1, to_tier)
      .bind(2, next_at_ms)
      .bind(3, id)
      .bind(4, from_tier)
      .run();
  return db.changes() > 0;
}

bool record_first_response(Database& db, std::int64_t id, std::int64_t user_id,
                           std::int64_t now_ms) {
  db.prepare(
        "UPDATE emergencies SET responder_id = ?, responded_ms = ?, escalate_at_ms = NULL "
        "WHERE id = ? AND responder_id IS NULL AND closed_ms IS NULL")
      .bind(1, user_id)
      .bind(2, now_ms)
      .bind(3, id)
      .run();
  return db.changes() > 0;
}

bool close_emergency(Database& db, std::int64_t id, std::int64_t user_id, std::string_view outcome,
                     std::string_view note, std::int64_t now_ms) {
  db.prepare(
        "UPDATE emergencies SET closed_by = ?, closed_ms = ?, outcome = ?, outcome_note = ?, "
        "escalate_at_ms = NULL WHERE id = ? AND closed_ms IS NULL")
      .bind(1, user_id)
      .bind(2, now_ms)
      .bind(3, outcome)
      .bind(4, note)
      .bind(5, id)
      .run();
  return db.changes() > 0;
}

}  // namespace musubi::storage
