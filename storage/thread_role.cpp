#include "storage/thread_role.hpp"

#include <algorithm>
#include <cstring>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

namespace musubi::storage {

namespace {

// Ten steps of nice: a background thread gets about a tenth of the share of a normal one when both
// want the core, and all of it when the core is otherwise idle.
constexpr int kBackgroundNice = 10;

}  // namespace

void take_thread_role(const char* name, ThreadPriority priority) {
  // Priority first: once the name shows, the role is complete.
  if (priority == ThreadPriority::background) {
    // On Linux a thread id names just that thread, so only this one is lowered; relative to
    // what it inherited, so that a musubid started with `nice` keeps its order.
    const auto self = static_cast<id_t>(gettid());
    setpriority(PRIO_PROCESS, self,
                std::min(getpriority(PRIO_PROCESS, self) + kBackgroundNice, 19));
  }
  char cut[16] = {};
  std::strncpy(cut, name, sizeof cut - 1);
  pthread_setname_np(pthread_self(), cut);
}

}  // namespace musubi::storage
