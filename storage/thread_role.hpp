#pragma once

namespace musubi::storage {

// How much a thread may delay the others on a busy core.
enum class ThreadPriority {
  normal,
  // Work nobody waits for (checkpoints) or someone can wait a little longer for (Argon2id at
  // sign-in): it yields the core to deliveries, commits and reads.
  background,
};

// Names the calling thread, as `top -H`, `perf` and /proc show it (15 characters at most; a
// longer name is cut), and sets its priority. Failures are ignored: both are only hints.
void take_thread_role(const char* name, ThreadPriority priority = ThreadPriority::normal);

}  // namespace musubi::storage
