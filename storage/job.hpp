#pragma once

#include <functional>

namespace musubi::storage {

class Database;

// One unit of database work. `apply` runs on a storage thread; `done(ok)` always follows on the
// same thread: ok is false when `apply` threw or its transaction did not commit.
struct Job {
  std::function<void(Database&)> apply;
  std::function<void(bool ok)> done;
};

// Where the completions of a group commit run: it is handed one function that calls them all,
// in commit order. Empty: on the storage thread itself.
using CompletionRunner = std::function<void(std::function<void()>)>;

}  // namespace musubi::storage
