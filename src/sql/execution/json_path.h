// JSON navigation for the -> and ->> operators: the member of an object by key or the element of
// an array by (0-based) index, found by scanning the JSON text (values are stored as text).
// Nesting is bounded by json_depth_max; malformed JSON is an error.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "kernel/value.h"

namespace kmb::sql {

inline constexpr std::uint32_t json_depth_max = 256;

// json -> key (TEXT) or json -> index (integer): the JSON of the member/element, or NULL when
// absent (or when `json` is not an object/array). `as_text` (->>): a string is unquoted, a JSON
// null is NULL, anything else is its JSON text.
Result<kernel::Value> json_get(const std::string& json, const kernel::Value& selector, bool as_text);

}  // namespace kmb::sql
