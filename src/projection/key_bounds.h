// KeyBound arithmetic over encoded keys (read_view.h). A bound may be a prefix of a composite key:
// it then bounds every key that starts with it, i.e. a key is compared with the bound on its first
// bound.size() bytes only. With kernel::encode_key (prefix-free per column, order-preserving) that
// is column-by-column comparison over the bound's columns:
//
//   lower inclusive B: key[:|B|] >= B      lower exclusive B: key[:|B|] > B (skips keys starting with B)
//   upper inclusive B: key[:|B|] <= B      upper exclusive B: key[:|B|] < B
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "projection/read_view.h"

namespace kmb::projection {

// The argument for map::lower_bound that finds the first key satisfying `lower` ("" for none).
// nullopt when no key can satisfy it (an exclusive bound made only of 0xff bytes).
std::optional<std::string> lower_start(const std::optional<KeyBound>& lower);

// Whether `key` satisfies `upper` (true for none).
bool within_upper(std::string_view key, const std::optional<KeyBound>& upper);

// Whether `key` satisfies `lower` (true for none).
bool within_lower(std::string_view key, const std::optional<KeyBound>& lower);

}  // namespace kmb::projection
