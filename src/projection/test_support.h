// Helpers shared by the projection tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/command.h"
#include "kernel/rows.h"
#include "projection/store.h"

namespace kmb::projection::testing {

inline kernel::ColumnDef column(std::string name, kernel::Type type, bool not_null = false, bool unique = false) {
  kernel::ColumnDef c;
  c.name = std::move(name);
  c.type = type;
  c.not_null = not_null;
  c.unique = unique;
  return c;
}

inline kernel::Value i(std::int64_t v) {
  return kernel::Value::integer(v);
}
inline kernel::Value t(std::string v) {
  return kernel::Value::text(std::move(v));
}

inline kernel::CreateTable table_def(std::string name, std::vector<kernel::ColumnDef> columns,
                                     std::vector<std::uint32_t> primary_key) {
  kernel::TableDef table;
  table.name = std::move(name);
  table.columns = std::move(columns);
  table.primary_key = std::move(primary_key);
  return kernel::CreateTable{std::move(table), false};
}

inline KeyBound bound(const kernel::RowKey& values, bool inclusive = true) {
  return KeyBound{kernel::encode_key(values), inclusive};
}

// Everything a visitor saw, for comparisons.
inline std::vector<RowVersion> collect_scan(const TableView& view) {
  std::vector<RowVersion> out;
  Status status = view.scan([&out](const RowVersion& v) {
    out.push_back(v);
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out;
}

inline std::vector<RowVersion> collect_range(const TableView& view, const std::optional<KeyBound>& lower,
                                             const std::optional<KeyBound>& upper) {
  std::vector<RowVersion> out;
  Status status = view.scan_key_range(lower, upper, [&out](const RowVersion& v) {
    out.push_back(v);
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out;
}

inline std::vector<RowVersion> collect_index(const TableView& view, std::uint32_t index_id,
                                             const std::optional<KeyBound>& lower = std::nullopt,
                                             const std::optional<KeyBound>& upper = std::nullopt) {
  std::vector<RowVersion> out;
  Status status = view.scan_index(index_id, lower, upper, [&out](const RowVersion& v) {
    out.push_back(v);
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out;
}

inline std::vector<RowVersion> collect_history(const TableView& view, Position from, Position to) {
  std::vector<RowVersion> out;
  Status status = view.scan_history(from, to, [&out](const RowVersion& v) {
    out.push_back(v);
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out;
}

inline std::vector<kernel::RowKey> keys_of(const std::vector<RowVersion>& versions) {
  std::vector<kernel::RowKey> keys;
  for (const RowVersion& v : versions) keys.push_back(v.key);
  return keys;
}

}  // namespace kmb::projection::testing
