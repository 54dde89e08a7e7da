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

}  // namespace musubi::storage
