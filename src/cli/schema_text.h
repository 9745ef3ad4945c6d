// The catalog as people read it, for the REPL's .tables and .schema: table names, and each table
// as the CREATE TABLE (and CREATE INDEX) statements that would recreate it as it is now — live
// columns only, with their types and constraints.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "kernel/schema.h"

namespace kmb::cli {

// Names of the tables alive at `position`, sorted case-insensitively.
std::vector<std::string> live_table_names(const kernel::Catalog& catalog, kernel::Position position);

// "CREATE TABLE name (\n  col TYPE [NOT NULL] [UNIQUE] [DEFAULT v],\n  ...,\n  PRIMARY KEY (a, b)\n);"
// followed by one "CREATE [UNIQUE] INDEX ..." line per live index.
std::string describe_table(const kernel::TableDef& table, kernel::Position position);

// A constant as an SQL literal: 'text' (quotes doubled), numbers, TRUE/FALSE, NULL.
std::string sql_literal(const kernel::Value& value);

}  // namespace kmb::cli
