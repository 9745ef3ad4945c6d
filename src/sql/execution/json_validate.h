// Validation of JSON text (RFC 8259) for values entering a JSON column or cast to JSON.
//
// JSON values are stored as the text given (like PostgreSQL's json type, not jsonb): the SQL layer
// checks the text once when it becomes a JSON value, so every stored JSON value parses and the ->
// and ->> operators never meet a malformed document written through SQL. The kernel does not
// re-check, so records logged before this check existed still replay unchanged.
//
// The grammar is strict: one value with optional surrounding whitespace (space, tab, LF, CR);
// strings without raw control characters and with only the escapes \" \\ \/ \b \f \n \r \t \uXXXX;
// numbers as -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; literals true, false, null. Nesting is
// bounded by json_depth_max (json_path.h).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "base/status.h"

namespace kmb::sql {

// OK for well-formed JSON. Otherwise invalid_argument "invalid input syntax for type JSON: <what
// was expected> at byte N" (N: the 0-based offset of the first offending byte), or
// resource_exhausted when the nesting exceeds json_depth_max.
Status validate_json(std::string_view text);

}  // namespace kmb::sql
