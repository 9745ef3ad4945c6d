// Compares what two ReadViews answer at one position — every table (scan, get, key ranges, index
// scans, history), the audit trail and the timestamp index — for the property and snapshot tests.
// Test support only.
#pragma once

#include <string>

#include "io/prng.h"
#include "projection/read_view.h"
#include "projection/store.h"

namespace kmb::projection::testing {

// "" when `actual` answers like `expected` for every query at position p, else the first difference.
// Both views must have position() == p. Random key bounds come from `prng`.
std::string compare_views(const ReadView& expected, const ReadView& actual, Position p, io::Prng& prng);

// "" when the newest state of `store` equals the reference model's rows and catalog.
std::string compare_with_model(const Store& store, const kernel::StateView& model);

}  // namespace kmb::projection::testing
