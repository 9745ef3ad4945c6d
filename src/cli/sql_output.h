// How `kimberlite sql` and the REPL print a statement's result.
//
//   * A result with columns (SELECT, EXPLAIN) is a table of rows: `table` and `csv` go through the
//     shared renderer (output.h) — in a table NULL shows as NULL and line breaks and tabs inside a
//     value as spaces (one line per row); in CSV NULL is an empty field; `json`
//     is an array of objects whose values keep their type (numbers, booleans, null; decimals,
//     dates, timestamps, UUIDs, bytes and text as strings).
//   * A write prints its tag and log position: "INSERT 2 (position 5)"; "UPDATE 0" when it changed
//     nothing (and so wrote nothing). In csv the tag goes to `status_out` (stderr) so that standard
//     output stays one CSV document per query; in json it is an object
//     {"tag": ..., "rows_affected": ..., "position": ...}.
//
// Thread-safety: pure functions.
#pragma once

#include <ostream>
#include <string>

#include "cli/output.h"
#include "sql/engine.h"

namespace kmb::cli {

// The rows of a query result as display text (kernel::to_display; NULL as `null_text`).
Table result_table(const sql::QueryResult& result, const std::string& null_text = "NULL");

// "INSERT 2 (position 5)", or the tag alone when nothing was written.
std::string write_summary(const sql::QueryResult& result);

// Whether the result is a table of rows (rather than a write's summary).
bool has_rows(const sql::QueryResult& result);

void print_result(std::ostream& out, std::ostream& status_out, const sql::QueryResult& result, OutputFormat format);

}  // namespace kmb::cli
