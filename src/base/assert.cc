#include "base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace kmb {

void assert_fail(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "kimberlite: assertion failed: %s at %s:%d\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace kmb
