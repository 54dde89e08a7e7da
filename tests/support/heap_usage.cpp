#include "tests/support/heap_usage.hpp"

#include <malloc.h>

#if defined(__SANITIZE_ADDRESS__)
// From the ASan runtime (sanitizer/allocator_interface.h, which gcc's packages do not install).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace musubi::testing {

std::size_t live_heap_bytes() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;  // small chunks in use, and large ones mmap()ed
#endif
}

}  // namespace musubi::testing
