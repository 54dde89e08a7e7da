#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace musubi::storage {

class Database;

// How soon a write job's changes must be on disk.
enum class Durability {
  now,  // in the next group commit: someone is waiting for `done`
  // May wait a little (the writer's deferral window) for other jobs to share its commit: for
  // records nobody waits for, such as the audit entry of a read whose reply has already gone.
  deferred,
};

// What a job does: `apply` runs on a storage thread; `done(ok)` always follows on the same
// thread (or where the writer's completions run): ok is false when `apply` threw or its
// transaction did not commit.
class JobTask {
 public:
  JobTask() = default;
  JobTask(const JobTask&) = delete;
  JobTask& operator=(const JobTask&) = delete;
  virtual ~JobTask() = default;

  virtual void apply(Database& db) = 0;
  virtual void done(bool ok) = 0;
};

// A task made of two functions; `done` may be nullptr.
template <class Apply, class Done>
class FunctionTask final : public JobTask {
 public:
  FunctionTask(Apply apply, Done done) : apply_(std::move(apply)), done_(std::move(done)) {}

  void apply(Database& db) override { apply_(db); }
  void done(bool ok) override {
    if constexpr (!std::is_null_pointer_v<Done>) done_(ok);
  }

 private:
  Apply apply_;
  Done done_;
};

// One unit of database work. Its task holds all of it, so that submitting a job is one
// allocation (the hot path submits one per post).
struct Job {
  explicit Job(std::unique_ptr<JobTask> t, Durability d = Durability::now)
      : task(std::move(t)), durability(d) {}
  // From two functions, as FunctionTask takes them; constrained, or Job{task, durability}
  // would match it better than the constructor above.
  template <class Apply, class Done>
  Job(Apply apply, Done done,
      Durability d = Durability::now) requires std::invocable<Apply&, Database&>
      : Job(std::make_unique<FunctionTask<Apply, Done>>(std::move(apply), std::move(done)), d) {}

  void apply(Database& db) { task->apply(db); }

  std::unique_ptr<JobTask> task;
  Durability durability = Durability::now;  // read by the writer only
};

// Where the completions of a group commit run: it is handed one function that calls them all,
// in commit order. Empty: on the storage thread itself.
using CompletionRunner = std::function<void(std::function<void()>)>;

}  // namespace musubi::storage
