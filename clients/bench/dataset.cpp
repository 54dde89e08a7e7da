#include "clients/bench/dataset.hpp"

#include <chrono>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "protocol/room_event.hpp"
#include "server/config.hpp"
#include "server/password_hasher.hpp"
#include "server/random_secrets.hpp"
#include "storage/database.hpp"
#include "storage/events.hpp"
#include "storage/migrations.hpp"
#include "storage/organizations.hpp"
#include "storage/patients.hpp"
#include "storage/room_requests.hpp"
#include "storage/rooms.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"

namespace musubi::bench {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t kRowsPerTransaction = 20000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Commits every kRowsPerTransaction rows: a seed of a million messages must neither hold one
// giant transaction nor pay one commit per row.
class ChunkedWrites {
 public:
  explicit ChunkedWrites(storage::Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  void row() {
    if (++rows_ % kRowsPerTransaction != 0) return;
    db_.exec("COMMIT");
    db_.exec("BEGIN IMMEDIATE");
  }
  void finish() { db_.exec("COMMIT"); }

 private:
  storage::Database& db_;
  std::int64_t rows_ = 0;
};

std::int64_t add_org(storage::Database& db, const std::string& code, const std::string& name,
                     const std::string& type, const std::string& association, std::int64_t now) {
  storage::Organization org;
  org.code = code;
  org.name = name;
  org.type = type;
  org.address = "柏市ベンチ1-1";
  org.municipality = "柏市";
  org.association = association;
  org.association_area = "柏市";
  org.registered_on = "2026-01-01";
  org.created_ms = now;
  const auto id = storage::insert_organization(db, org);
  if (!id) throw std::runtime_error("organization " + code + " exists: seed a new data directory");
  return *id;
}

std::string padded_text(const std::string& head, std::size_t bytes) {
  std::string text = head;
  if (text.size() < bytes) text.append(bytes - text.size(), 'x');
  return text;
}

}  // namespace

std::vector<const BenchRoom*> Dataset::live_rooms() const {
  std::vector<const BenchRoom*> out;
  for (const auto& r : rooms) {
    if (!r.history) out.push_back(&r);
  }
  return out;
}

std::vector<const BenchRoom*> Dataset::history_rooms() const {
  std::vector<const BenchRoom*> out;
  for (const auto& r : rooms) {
    if (r.history) out.push_back(&r);
  }
  return out;
}

Dataset seed_dataset(const fs::path& data_dir, const DatasetSpec& spec, std::ostream& progress) {
  if (spec.users < 1 || spec.room_size < 1) throw std::runtime_error("need users and room size");
  if (fs::exists(dataset_file(data_dir))) {
    throw std::runtime_error(dataset_file(data_dir).string() +
                             " exists: seed a new data directory");
  }
  std::error_code ec;
  if (fs::create_directories(data_dir, ec)) {
    fs::permissions(data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  // Synchronous OFF: the seed is rebuilt, not recovered, if the machine dies during it.
  storage::Database db(data_dir / "musubi.db", storage::OpenMode::read_write, "OFF", 5000);
  storage::migrate(db);
  const auto now = now_ms();
  Dataset dataset;
  ChunkedWrites writes(db);

  const auto nursing = add_org(db, "bench-vn", "ベンチ訪問看護ステーション", "visiting_nursing",
                               "千葉県訪問看護ステーション協議会", now);
  const auto clinic = add_org(db, "bench-clinic", "ベンチ診療所", "clinic", "柏市医師会", now);

  // One hash for everyone: each sign-in still costs the server a full Argon2id verification.
  const server::SecurityConfig cost;
  dataset.password = server::random_base32(20);
  const auto password_hash =
      server::PasswordHasher(cost.argon2_ops, cost.argon2_memory_kib).hash(dataset.password);
  std::vector<std::int64_t> user_ids;
  for (int i = 0; i < spec.users; ++i) {
    const bool physician = i % spec.room_size == 0;
    storage::NewUser u;
    u.login = "bench.u" + std::to_string(i);
    u.name = "ベンチ 利用者 " + std::to_string(i);
    u.password_hash = password_hash;
    u.org_id = physician ? clinic : nursing;
    u.profession = physician ? "physician" : "nurse";
    const auto id = storage::insert_user(db, u, now);
    if (!id) throw std::runtime_error("user " + u.login + " exists: seed a new data directory");
    user_ids.push_back(*id);
    const auto token = server::new_session_token();
    const auto hash = server::hash_token(token);
    storage::insert_session(db, *id, hash, "musubi-bench", now, now + 365 * kDayMs);
    dataset.users.push_back(BenchUser{u.login, token});
    writes.row();
  }
  progress << "seed: " << spec.users << " users\n";

  auto open_room = [&](const std::vector<int>& members, int n) {
    storage::Patient patient;
    patient.public_id = server::random_base32(12);
    patient.name = "ベンチ 患者 " + std::to_string(n);
    patient.kana = "ベンチ カンジャ";
    patient.birth_date = "1940-01-01";
    patient.sex = "unknown";
    patient.municipality = "柏市";
    patient.address = "柏市ベンチ2-2";
    patient.registered_by = user_ids[members.front()];
    patient.registered_ms = now;
    patient.id = storage::insert_patient(db, patient);
    storage::RoomRequest request;
    request.public_id = server::random_base32(12);
    request.patient_id = patient.id;
    request.requester_id = user_ids[members.front()];
    request.requester_profession = "physician";
    request.physician_id = user_ids[members.front()];
    request.physician_setting = "clinic";
    request.state = "open";
    request.created_ms = request.updated_ms = now;
    request.id = storage::insert_request(db, request);
    storage::NewRoom room;
    room.public_id = server::random_base32(12);
    room.title = patient.name + " 様";
    room.creator = user_ids[members.front()];
    room.patient_id = patient.id;
    room.request_id = request.id;
    room.physician_participates = true;
    const auto room_id = storage::insert_room(db, room, now);
    request.room_id = room_id;
    storage::update_request(db, request);
    for (std::size_t m = 1; m < members.size(); ++m) {
      storage::insert_member(db, room_id, user_ids[members[m]], storage::Role::member,
                             user_ids[members.front()], now);
    }
    writes.row();
    return std::pair{room_id, room.public_id};
  };

  for (int first = 0; first < spec.users; first += spec.room_size) {
    BenchRoom room;
    for (int i = first; i < std::min(spec.users, first + spec.room_size); ++i)
      room.members.push_back(i);
    room.id = open_room(room.members, static_cast<int>(dataset.rooms.size())).second;
    dataset.rooms.push_back(std::move(room));
  }
  progress << "seed: " << dataset.rooms.size() << " rooms of up to " << spec.room_size
           << " members\n";

  for (int h = 0; h < spec.history_rooms; ++h) {
    BenchRoom room;
    room.history = true;
    for (int i = 0; i < std::min(spec.users, spec.room_size); ++i)
      room.members.push_back(i);
    const auto [room_id, public_id] =
        open_room(room.members, static_cast<int>(dataset.rooms.size()));
    room.id = public_id;
    for (std::int64_t n = 1; n <= spec.history_messages; ++n) {
      storage::NewEvent e;
      e.room_id = room_id;
      e.type = std::string(protocol::room_event_type::message);
      e.author_id = user_ids[room.members[n % room.members.size()]];
      e.content =
          json{{"text", padded_text("履歴 #" + std::to_string(n) + " ", spec.message_bytes)}}
              .dump();
      e.ts_ms = now - (spec.history_messages - n) * 1000;
      room.last_seq = storage::append_event(db, e);
      writes.row();
      if (n % 100000 == 0) progress << "seed: history room " << h << ": " << n << " messages\n";
    }
    dataset.rooms.push_back(std::move(room));
  }
  writes.finish();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  save_dataset(dataset, dataset_file(data_dir));
  progress << "seed: wrote " << dataset_file(data_dir).string() << "\n";
  return dataset;
}

void save_dataset(const Dataset& dataset, const fs::path& file) {
  json users = json::array();
  for (const auto& u : dataset.users)
    users.push_back(json{{"login", u.login}, {"token", u.token}});
  json rooms = json::array();
  for (const auto& r : dataset.rooms) {
    rooms.push_back(json{
        {"id", r.id}, {"members", r.members}, {"last_seq", r.last_seq}, {"history", r.history}});
  }
  const auto tmp = fs::path(file.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    out << json{{"users", std::move(users)},
                {"rooms", std::move(rooms)},
                {"password", dataset.password}}
               .dump()
        << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, file);
}

Dataset load_dataset(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string() + " (run `musubi-bench seed` first)");
  }
  const auto doc = json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("users") || !doc.contains("rooms")) {
    throw std::runtime_error(file.string() + " is not a musubi-bench dataset");
  }
  Dataset dataset;
  dataset.password = doc.value("password", "");
  for (const auto& u : doc.at("users"))
    dataset.users.push_back(BenchUser{u.at("login"), u.at("token")});
  for (const auto& r : doc.at("rooms")) {
    BenchRoom room;
    room.id = r.at("id");
    room.members = r.at("members").get<std::vector<int>>();
    room.last_seq = r.at("last_seq");
    room.history = r.at("history");
    dataset.rooms.push_back(std::move(room));
  }
  return dataset;
}

}  // namespace musubi::bench
