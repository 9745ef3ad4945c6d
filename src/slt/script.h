// A sqllogictest script: the parsed form of one `.test` file in the standard sqllogictest format
// (https://www.sqlite.org/sqllogictest/doc/trunk/about.wiki), plus two small extensions.
//
// Records are separated by blank lines; lines starting with '#' between records are comments.
//
//   statement ok                      the SQL must succeed
//   statement error [PATTERN]         the SQL must fail; PATTERN (rest of the line) must occur in the
//                                     message, as a substring or a POSIX extended regular expression
//   statement count N                 (extension) the SQL must succeed and affect N rows
//   query TYPES [nosort|rowsort|valuesort] [LABEL]
//   SQL...
//   ----
//   expected values, one per line (or, extension, one row per line, values separated by blanks),
//   or a single line "N values hashing to MD5"
//   hash-threshold N                  results with more than N values may be given as a hash
//   halt                              stop running this file
//   control actor NAME | control reason TEXT    (extension) the audit context of later writes
//   connection NAME                   (extension) later records run on connection NAME (opened on
//                                     first use; the first is `default`), so that one file can
//                                     hold two open transactions, e.g. to test conflicts
//
// Any record may be preceded by `skipif ENGINE` / `onlyif ENGINE` lines.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kmb::slt {

// Limits, so that a runaway or hostile file fails cleanly instead of exhausting memory.
inline constexpr std::size_t script_size_max_bytes = 256u << 20;
inline constexpr std::size_t query_columns_max = 1024;

enum class SortMode : std::uint8_t { none, rowsort, valuesort };

enum class RecordKind : std::uint8_t {
  statement_ok,
  statement_error,
  statement_count,
  query,
  hash_threshold,
  halt,
  control,
  connection,
};

struct Condition {
  bool skip_if = false;  // true: `skipif ENGINE`; false: `onlyif ENGINE`
  std::string engine;
};

struct Record {
  RecordKind kind = RecordKind::statement_ok;
  std::size_t line = 0;  // 1-based line of the record's command (`statement`, `query`, ...)
  std::vector<Condition> conditions;

  std::string sql;  // statements and queries: the SQL lines joined by '\n'

  // statement_error: the expected message pattern ("" accepts any error).
  std::string error_pattern;
  // statement_count: the expected number of affected rows.
  std::uint64_t expected_count = 0;

  // query
  std::string types;  // one letter per column: I, R or T
  SortMode sort = SortMode::none;
  std::string label;
  bool has_expected = false;          // a "----" line was present
  std::vector<std::string> expected;  // the lines after "----"
  std::size_t expected_line = 0;      // line of the first expected value

  // hash_threshold
  std::uint64_t hash_threshold = 0;

  // control: `control NAME VALUE`; connection: `connection NAME` (control_value = NAME)
  std::string control_name;
  std::string control_value;
};

struct Script {
  std::string file;
  std::vector<Record> records;
};

// Parses a whole file. Errors are invalid_argument with "FILE:LINE: what is wrong".
Result<Script> parse_script(std::string_view text, std::string_view file);

// Whether the record's skipif/onlyif conditions let it run on `engine`.
bool record_applies(const Record& record, std::string_view engine);

std::string_view sort_mode_name(SortMode mode);

}  // namespace kmb::slt
