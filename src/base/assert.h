// Assertions for programmer errors. They stay on in every build type: a broken invariant in the
// log, kernel or consensus must stop the process before it can write a wrong byte.
// User input must never reach an assertion: validate it and return a Status instead.
#pragma once

namespace kmb {
[[noreturn]] void assert_fail(const char* condition, const char* file, int line);
}  // namespace kmb

// One condition per assertion, so a failure names exactly what was false.
#define KMB_ASSERT(condition) \
  ((condition) ? static_cast<void>(0) : ::kmb::assert_fail(#condition, __FILE__, __LINE__))

#define KMB_UNREACHABLE() ::kmb::assert_fail("unreachable", __FILE__, __LINE__)
