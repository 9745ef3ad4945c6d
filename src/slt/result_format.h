// How sqllogictest turns query results into the text lines a test file expects, exactly as the
// reference implementation (SQLite's sqllogictest.c) does, so that files written for other
// engines keep their meaning:
//
//   * NULL is "NULL" whatever the column type;
//   * I: an integer; reals and decimals are truncated toward zero, booleans are 1/0, text is read
//     as the number it starts with (0 if none);
//   * R: a number printed with "%.3f";
//   * T: the value's display text (kernel::to_display); the empty string is "(empty)" and every
//     byte outside the printable ASCII range ' '..'~' becomes '@'.
//
// Large results are compared through "N values hashing to H": H is the lowercase hex MD5 of all
// values (after sorting), each followed by "\n".
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/value.h"
#include "slt/script.h"

namespace kmb::slt {

// REQUIRES: type is 'I', 'R' or 'T'.
std::string format_value(const kernel::Value& value, char type);

// The values of `rows`, row by row, each formatted with its column's letter of `types`.
// REQUIRES: every row has types.size() values.
std::vector<std::string> format_rows(const std::vector<kernel::Row>& rows, std::string_view types);

// Sorts formatted values as the sort mode says: rowsort orders whole rows of `columns` values
// (compared column by column, bytewise), valuesort orders the values one by one.
// REQUIRES: columns > 0 and values.size() is a multiple of columns.
void sort_values(std::vector<std::string>& values, std::size_t columns, SortMode mode);

// Lowercase hex MD5 of the values, each followed by "\n".
std::string md5_of_values(const std::vector<std::string>& values);
// "N values hashing to H".
std::string hash_summary(const std::vector<std::string>& values);
// Whether `line` has the form "N values hashing to H" (H: 32 hex digits).
bool is_hash_summary(std::string_view line);

}  // namespace kmb::slt
