#include "cli/schema_text.h"

#include <gtest/gtest.h>

namespace kmb::cli {
namespace {

using kernel::Type;
using kernel::Value;

kernel::TableDef patients() {
  kernel::TableDef table;
  table.id = 1;
  table.name = "patients";
  table.created_at = 0;
  kernel::ColumnDef id{.name = "id", .type = Type::bigint, .not_null = true};
  kernel::ColumnDef name{.name = "name", .type = Type::text, .not_null = true};
  kernel::ColumnDef email{.name = "email", .type = Type::text, .unique = true};
  kernel::ColumnDef status{.name = "status", .type = Type::text, .default_value = Value::text("it's new")};
  kernel::ColumnDef balance{.name = "balance", .type = Type::decimal, .decimal_precision = 10, .decimal_scale = 2};
  kernel::ColumnDef old{.name = "old", .type = Type::integer, .dropped_at = 3};
  table.columns = {id, name, email, status, balance, old};
  table.primary_key = {0};
  table.indexes.push_back(kernel::IndexDef{.id = 1, .name = "patients_by_name", .columns = {1}, .created_at = 2});
  table.indexes.push_back(
      kernel::IndexDef{.id = 2, .name = "gone", .columns = {2}, .unique = true, .created_at = 2, .dropped_at = 4});
  return table;
}

TEST(SchemaText, DescribesLiveColumnsConstraintsAndIndexes) {
  EXPECT_EQ(describe_table(patients(), 5),
            "CREATE TABLE patients (\n"
            "  id BIGINT NOT NULL,\n"
            "  name TEXT NOT NULL,\n"
            "  email TEXT UNIQUE,\n"
            "  status TEXT DEFAULT 'it''s new',\n"
            "  balance DECIMAL(10, 2),\n"
            "  PRIMARY KEY (id)\n"
            ");\n"
            "CREATE INDEX patients_by_name ON patients (name);\n");
}

TEST(SchemaText, DescribesTheTableAsOfAPosition) {
  std::string text = describe_table(patients(), 2);
  EXPECT_NE(text.find("  old INTEGER,\n"), std::string::npos) << text;
  EXPECT_NE(text.find("CREATE UNIQUE INDEX gone ON patients (email);\n"), std::string::npos) << text;
}

TEST(SchemaText, Literals) {
  EXPECT_EQ(sql_literal(Value::null()), "NULL");
  EXPECT_EQ(sql_literal(Value::integer(-3)), "-3");
  EXPECT_EQ(sql_literal(Value::boolean(true)), "TRUE");
  EXPECT_EQ(sql_literal(Value::text("a'b")), "'a''b'");
  EXPECT_EQ(sql_literal(Value::date(0)), "'1970-01-01'");
}

}  // namespace
}  // namespace kmb::cli
