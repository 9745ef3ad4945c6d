// Conversions between SQL types: explicit CAST (x::type), the implicit coercion of a value into a
// column on INSERT/UPDATE, and parsing text into typed values.
//
// CAST rounds half away from zero into integers and checks their range ("smallint out of range",
// "integer out of range"); DECIMAL(p, s) rescales and checks the precision ("numeric field
// overflow"); text parses strictly (surrounding spaces allowed) or fails with
// `invalid input syntax for type DATE: "abc"`; any value casts to TEXT as kernel::to_display shows it.
// DATE and TIMESTAMP text is UTC: 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' (a 'T' may
// separate date and time; a trailing 'Z' is accepted).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/status.h"
#include "kernel/schema.h"
#include "kernel/value.h"
#include "sql/parser/expression.h"

namespace kmb::sql {

// Whether CAST(x AS to) is defined for an x of type `from` (it may still fail for some values).
bool castable(kernel::Type from, kernel::Type to);
Result<kernel::Value> cast_value(const kernel::Value& value, const TypeName& target);

// Whether a value of type `from` may be stored in a column of type `to` without an explicit CAST:
// NULL, the same type, number to number, text to anything (parsed), anything to TEXT/JSON, and
// between DATE and TIMESTAMP.
bool assignable(kernel::Type from, kernel::Type to);
// The value as stored in `column`: converted to its type, DECIMALs rescaled to its scale.
Result<kernel::Value> coerce_to_column(const kernel::Value& value, const kernel::ColumnDef& column);

// The column's type as a TypeName (with its DECIMAL precision and scale).
TypeName column_type_name(const kernel::ColumnDef& column);

std::optional<std::int32_t> parse_date_days(std::string_view text);
std::optional<std::int64_t> parse_timestamp_micros(std::string_view text);

}  // namespace kmb::sql
