#pragma once

#include <functional>

namespace musubi::storage {

class Database;

// How soon a write job's changes must be on disk.
enum class Durability {
  now,  // in the next group commit: someone is waiting for `done`
  // May wait a little (the writer's deferral window) for other jobs to share its commit: for
  // records nobody waits for, such as the audit entry of a read whose reply has already gone.
  deferred,
};

// One unit of database work. `apply` runs on a storage thread; `done(ok)` always follows on the
// same thread: ok is false when `apply` threw or its transaction did not commit.
struct Job {
  std::function<void(Database&)> apply;
  std::function<void(bool ok)> done;
  Durability durability = Durability::now;  // read by the writer only
};

// Where the completions of a group commit run: it is handed one function that calls them all,
// in commit order. Empty: on the storage thread itself.
using CompletionRunner = std::function<void(std::function<void()>)>;

}  // namespace musubi::storage
