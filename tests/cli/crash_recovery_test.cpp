// musubid killed with SIGKILL again and again while clients post: after each restart, every post
// any client saw acknowledged is in its room's history with the seq of its ack, each room's seqs
// run 1..N without a gap, no post is stored twice, and the database passes PRAGMA
// integrity_check. MUSUBI_CRASH_KILLS sets the number of kills (default 20).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients/client/client_connection.hpp"
#include "storage/database.hpp"
#include "tests/cli/cli_fixture.hpp"

namespace musubi::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kPosters = 3;
constexpr std::size_t kInFlight = 4;  // posts each poster keeps unanswered: writes in flight
constexpr const char* kNurse = "crash.nurse";

int kill_count() {
  const char* text = std::getenv("MUSUBI_CRASH_KILLS");
  const int n = text ? std::atoi(text) : 0;
  return n > 0 ? n : 20;
}

// A post whose success reply reached its client: from then on it must survive anything.
struct AckedPost {
  std::string room;
  std::int64_t seq = 0;
  std::string text;
};

// What the posters saw, shared between their threads and the test.
class AckLedger {
 public:
  void acked(AckedPost post) {
    std::lock_guard lock(mutex_);
    posts_.push_back(std::move(post));
    changed_.notify_all();
  }
  void refused(const std::string& what) {
    std::lock_guard lock(mutex_);
    refusals_.push_back(what);
  }

  // Waits until `count` posts have been acknowledged in all; false at the deadline.
  bool wait_for(std::size_t count, Clock::duration timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return posts_.size() >= count; });
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return posts_.size();
  }
  std::vector<AckedPost> posts() const {
    std::lock_guard lock(mutex_);
    return posts_;
  }
  std::vector<std::string> refusals() const {
    std::lock_guard lock(mutex_);
    return refusals_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<AckedPost> posts_;
  std::vector<std::string> refusals_;
};

client::ConnectOptions options_for(const Musubid& server) {
  client::ConnectOptions options;
  options.url.host = "127.0.0.1";
  options.url.port = std::to_string(server.port());
  options.tls.ca_file = server.cert_file().string();
  options.timeout = std::chrono::seconds(10);
  return options;
}

std::unique_ptr<client::ClientConnection> signed_in(const client::ConnectOptions& options) {
  auto c = client::ClientConnection::connect(options);
  const auto reply = c->request("session.sign_in",
                                {{"login", kNurse}, {"password", kUserPassword}, {"device", "t"}});
  if (!reply.ok) throw client::ClientError("sign-in refused: " + reply.error_code);
  return c;
}

// One client posting to the rooms in turn, kInFlight posts at a time, until its connection dies
// (the server was killed) or `stop` is set. Each text is unique: "c<cycle>-p<poster>-<n>".
void post_until_killed(const client::ConnectOptions& options, const std::vector<std::string>& rooms,
                       int cycle, int poster, AckLedger& ledger, const std::atomic<bool>& stop) {
  try {
    auto c = signed_in(options);
    std::map<std::string, std::pair<std::string, std::string>> pending;  // id -> room, text
    for (int n = 0; !stop;) {
      while (pending.size() < kInFlight) {
        const auto& room = rooms[static_cast<std::size_t>(n) % rooms.size()];
        auto text =
            "c" + std::to_string(cycle) + "-p" + std::to_string(poster) + "-" + std::to_string(n++);
        const auto id = c->send_request("room.post", {{"room", room}, {"text", text}});
        pending[id] = {room, std::move(text)};
      }
      const auto frame = c->next_frame(std::chrono::milliseconds(500));
      if (!frame) {
        if (c->closed()) return;
        continue;  // a slow moment: go on while the test lets us
      }
      if (frame->kind != protocol::ServerFrame::Kind::reply || !frame->id.is_string()) continue;
      const auto it = pending.find(frame->id.get<std::string>());
      if (it == pending.end()) continue;
      if (frame->ok) {
        ledger.acked(
            {it->second.first, frame->result.at("seq").get<std::int64_t>(), it->second.second});
      } else {
        ledger.refused(frame->error_code + ": " + frame->error_message);
      }
      pending.erase(it);
    }
  } catch (const std::exception&) {
    // The server went away under us (connect, sign-in or a write failed): the point of the test.
  }
}

// A room's whole log through room.history, oldest first, page by page.
std::vector<json> history(client::ClientConnection& c, const std::string& room) {
  std::vector<json> events;
  for (std::int64_t from = 1;;) {
    const auto reply = c.request(
        "room.history", {{"room", room}, {"from", from}, {"order", "asc"}, {"limit", 200}});
    EXPECT_TRUE(reply.ok) << reply.error_code << ": " << reply.error_message;
    if (!reply.ok) return events;
    for (const auto& e : reply.result.at("events"))
      events.push_back(e);
    if (!reply.result.at("has_more").get<bool>() || events.empty()) return events;
    from = events.back().at("seq").get<std::int64_t>() + 1;
  }
}

std::string integrity_check(const std::filesystem::path& database) {
  storage::Database db(database, storage::OpenMode::read_only);
  auto& check = db.prepare("PRAGMA integrity_check");
  std::string result;
  while (check.step())
    result += check.text(0) + "\n";
  return result;
}

// Everything the test promises, checked on the restarted server; `events` counts the rooms' events.
void expect_intact(const Musubid& server, const std::vector<std::string>& rooms,
                   const std::vector<AckedPost>& acked, int cycle, std::size_t& events) {
  SCOPED_TRACE("after kill " + std::to_string(cycle));
  auto c = signed_in(options_for(server));
  std::map<std::string, std::vector<json>> logs;
  events = 0;
  for (const auto& room : rooms) {
    auto& log = logs[room] = history(*c, room);
    events += log.size();
    std::set<std::string> texts;
    for (std::size_t i = 0; i < log.size(); ++i) {
      ASSERT_EQ(log[i].at("seq").get<std::int64_t>(), static_cast<std::int64_t>(i + 1))
          << "a gap in room " << room;
      if (log[i].at("type") != "message") continue;
      EXPECT_TRUE(texts.insert(log[i].at("text").get<std::string>()).second)
          << "stored twice: " << log[i].dump();
    }
  }
  std::size_t missing = 0;
  for (const auto& post : acked) {
    const auto& log = logs[post.room];
    const auto at = static_cast<std::size_t>(post.seq - 1);
    const bool present = post.seq >= 1 && at < log.size() && log[at].at("type") == "message" &&
                         log[at].at("text") == post.text;
    if (!present && ++missing <= 5) {
      ADD_FAILURE() << "acknowledged post lost: " << post.text << " (seq " << post.seq << ")";
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged posts";
  EXPECT_EQ(integrity_check(server.data_dir() / "musubi.db"), "ok\n");
}

class CrashRecovery : public CliTest {};

TEST_F(CrashRecovery, AcknowledgedPostsSurviveSigkillUnderLoad) {
  // Thousands of post replies of one shape add nothing to the captured-frame schema check but
  // its run time.
  ::unsetenv("MUSUBI_FRAME_LOG");
  const CliUser nurse = signed_in_user(kNurse, "耐久 看護師");
  std::vector<std::string> rooms;
  for (const char* patient : {"耐久 一郎", "耐久 二郎", "耐久 三郎"})
    rooms.push_back(open_room(nurse, patient));

  AckLedger ledger;
  const int kills = kill_count();
  // When to kill, counted in posts acknowledged since the restart: 0 kills the server while the
  // posters connect and sign in; the others land while their posts are queued, committing or
  // being acknowledged.
  const std::size_t after_acks[] = {0, 1, 4, 12, 30, 70, 150};
  std::size_t events = 0;
  const auto start = Clock::now();
  for (int cycle = 1; cycle <= kills; ++cycle) {
    std::atomic<bool> stop = false;
    const auto options = options_for(server());
    std::vector<std::thread> posters;
    for (int p = 0; p < kPosters; ++p) {
      posters.emplace_back(post_until_killed, options, std::cref(rooms), cycle, p, std::ref(ledger),
                           std::cref(stop));
    }
    const std::size_t target = ledger.size() +
                               after_acks[static_cast<std::size_t>(cycle) % std::size(after_acks)] +
                               static_cast<std::size_t>(cycle % 3);
    EXPECT_TRUE(ledger.wait_for(target, std::chrono::seconds(20)))
        << "cycle " << cycle << ": the posters stalled at " << ledger.size();

    server().process().send_signal(SIGKILL);
    const auto status = server().process().wait_exit(kStopTimeout);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->describe(), "signal 9");
    stop = true;
    for (auto& t : posters)
      t.join();

    server().start();  // recovers on the same data directory (on a new port)
    expect_intact(server(), rooms, ledger.posts(), cycle, events);
    if (HasFatalFailure()) return;
  }
  EXPECT_TRUE(ledger.refusals().empty()) << ledger.refusals().front();
  EXPECT_GT(ledger.size(), static_cast<std::size_t>(kills) * 10);
  std::printf("%d kills, %zu posts acknowledged, %zu events in %d rooms, %.1f s\n", kills,
              ledger.size(), events, static_cast<int>(rooms.size()),
              std::chrono::duration<double>(Clock::now() - start).count());
}

}  // namespace
}  // namespace musubi::testing
