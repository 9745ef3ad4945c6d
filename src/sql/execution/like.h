// SQL LIKE matching: '%' matches any run of characters, '_' exactly one character (a UTF-8 code
// point), and the escape character (default '\') makes the next pattern character literal.
// ILIKE folds ASCII letters. Iterative with backtracking to the last '%', so the cost is bounded by
// O(text * pattern) and no input can recurse deeply.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"

namespace kmb::sql {

// invalid_argument when the pattern ends with the escape character or `escape` is not exactly
// one character.
Result<bool> like_match(std::string_view text, std::string_view pattern, std::optional<std::string_view> escape,
                        bool case_insensitive);

}  // namespace kmb::sql
