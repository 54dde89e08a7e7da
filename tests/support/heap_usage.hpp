#pragma once

#include <cstddef>

namespace musubi::testing {

// Bytes of heap this process has allocated and not yet freed: glibc's count of chunks in use, or
// AddressSanitizer's under ASan (whose quarantine of freed memory would make RSS grow with mere
// churn). Live bytes, unlike RSS, fall again when memory is freed, so a growth that stays is a
// real one.
std::size_t live_heap_bytes();

}  // namespace musubi::testing
