#include "projection/random_workload.h"

#include "kernel/rows.h"

namespace kmb::projection::testing {

namespace {

constexpr kernel::Type column_types[] = {
    kernel::Type::bigint,           kernel::Type::integer, kernel::Type::smallint, kernel::Type::text,
    kernel::Type::double_precision, kernel::Type::boolean, kernel::Type::date,     kernel::Type::bytes};

// prefix + n. (GCC 12 warns falsely about a string literal + std::to_string(n), bug 105329.)
std::string numbered(std::string_view prefix, std::uint64_t n) {
  std::string text(prefix);
  text += std::to_string(n);
  return text;
}

std::int64_t decode_row_id(std::string_view key) {
  std::uint64_t value = 0;
  for (std::size_t i = 1; i < 9; i++) value = (value << 8) | static_cast<unsigned char>(key[i]);
  return static_cast<std::int64_t>(value ^ (1ULL << 63));
}

}  // namespace

WorkloadStep RandomWorkload::next(const kernel::StateView& state) {
  WorkloadStep step;
  timestamp_ns_ += prng_.uniform(3) * 1000;  // sometimes equal timestamps
  step.timestamp_ns = timestamp_ns_;
  step.client_id = prng_.uniform(4);
  step.reason = prng_.chance(1, 3) ? "" : numbered("reason ", prng_.uniform(5));
  if (prng_.chance(1, 25)) {
    step.is_command = false;
    return step;
  }
  step.record.actor = numbered("actor", prng_.uniform(3));
  step.record.statement = numbered("statement ", prng_.next_u64() % 1000);
  const std::uint64_t commands = prng_.chance(1, 6) ? prng_.range(2, 4) : 1;
  for (std::uint64_t i = 0; i < commands; i++) step.record.commands.push_back(next_command(state));
  return step;
}

const kernel::TableDef* RandomWorkload::random_live_table(const kernel::Catalog& catalog) {
  std::vector<const kernel::TableDef*> live;
  for (const kernel::TableDef& table : catalog.tables()) {
    if (kernel::table_live(table)) live.push_back(&table);
  }
  if (live.empty()) return nullptr;
  return live[prng_.uniform(live.size())];
}

kernel::Command RandomWorkload::next_command(const kernel::StateView& state) {
  const kernel::Catalog& catalog = state.catalog();
  const kernel::TableDef* table = random_live_table(catalog);
  const std::uint64_t roll = prng_.uniform(100);
  if (table == nullptr || roll < 5) return create_table(catalog);
  if (roll < 7) return kernel::DropTable{prng_.chance(1, 5) ? "missing" : table->name, prng_.chance(1, 4)};
  if (roll < 11) return add_column(*table);
  if (roll < 14) return drop_column(*table);
  if (roll < 18) return create_index(*table);
  if (roll < 20) return drop_index(catalog);
  if (roll < 24) return stream_command(catalog);
  if (roll < 60) return insert(*table);
  if (roll < 82) return update(state, *table);
  return remove(state, *table);
}

kernel::Command RandomWorkload::create_table(const kernel::Catalog& catalog) {
  kernel::TableDef table;
  table.name = numbered(prng_.chance(1, 4) ? "T" : "t", prng_.uniform(4));
  const std::uint64_t column_count = prng_.range(1, 4);
  for (std::uint64_t i = 0; i < column_count; i++) {
    kernel::ColumnDef column;
    column.name = numbered("c", i);
    column.type = column_types[prng_.uniform(std::size(column_types))];
    column.not_null = prng_.chance(1, 5);
    column.unique = prng_.chance(1, 6);
    table.columns.push_back(column);
  }
  const std::uint64_t key_shape = prng_.uniform(3);  // implicit, single, composite
  if (key_shape >= 1) {
    table.columns[0].type = kernel::Type::integer;
    table.primary_key = {0};
  }
  if (key_shape == 2 && table.columns.size() >= 2) {
    table.columns[1].type = kernel::Type::text;
    table.primary_key.push_back(1);
  }
  (void)catalog;
  return kernel::CreateTable{table, prng_.chance(1, 3)};
}

kernel::Command RandomWorkload::add_column(const kernel::TableDef& table) {
  kernel::ColumnDef column;
  column.name = prng_.chance(1, 8) ? table.columns[0].name : numbered("a", name_counter_++);
  column.type = column_types[prng_.uniform(std::size(column_types))];
  column.not_null = prng_.chance(1, 4);
  column.unique = prng_.chance(1, 8);
  if (prng_.chance(1, 2)) column.default_value = random_value(column.type, false);
  return kernel::AddColumn{table.name, column};
}

kernel::Command RandomWorkload::drop_column(const kernel::TableDef& table) {
  std::vector<std::string> live;
  for (const kernel::ColumnDef& column : table.columns) {
    if (kernel::column_live(column)) live.push_back(column.name);
  }
  if (prng_.chance(1, 10)) return kernel::DropColumn{table.name, "missing"};
  return kernel::DropColumn{table.name, live[prng_.uniform(live.size())]};
}

kernel::Command RandomWorkload::create_index(const kernel::TableDef& table) {
  std::vector<std::string> live;
  for (const kernel::ColumnDef& column : table.columns) {
    if (kernel::column_live(column)) live.push_back(column.name);
  }
  kernel::CreateIndex command;
  command.table = table.name;
  command.name = numbered("i", prng_.uniform(6));
  command.columns.push_back(live[prng_.uniform(live.size())]);
  if (prng_.chance(1, 3)) command.columns.push_back(live[prng_.uniform(live.size())]);  // may repeat: rejected
  command.unique = prng_.chance(1, 3);
  command.if_not_exists = prng_.chance(1, 4);
  return command;
}

kernel::Command RandomWorkload::drop_index(const kernel::Catalog& catalog) {
  std::vector<std::string> names;
  for (const kernel::TableDef& table : catalog.tables()) {
    if (!kernel::table_live(table)) continue;
    for (const kernel::IndexDef& index : table.indexes) {
      if (kernel::index_live(index)) names.push_back(index.name);
    }
  }
  if (names.empty() || prng_.chance(1, 6)) return kernel::DropIndex{"missing", prng_.chance(1, 2)};
  return kernel::DropIndex{names[prng_.uniform(names.size())], false};
}

kernel::Command RandomWorkload::stream_command(const kernel::Catalog& catalog) {
  const std::string name = numbered("s", prng_.uniform(2));
  const kernel::StreamDef* stream = catalog.find_stream(name);
  if (stream == nullptr || prng_.chance(1, 8)) return kernel::CreateStream{name, prng_.chance(1, 2)};
  kernel::AppendEvents append;
  append.stream = name;
  if (prng_.chance(1, 2)) append.expected_offset = stream->event_count + (prng_.chance(1, 5) ? 1 : 0);
  const std::uint64_t count = prng_.range(0, 3);
  for (std::uint64_t i = 0; i < count; i++) {
    Bytes event(prng_.uniform(5));
    prng_.fill(event.data(), event.size());
    append.events.push_back(std::move(event));
  }
  return append;
}

kernel::Value RandomWorkload::random_value(kernel::Type type, bool allow_null) {
  if (allow_null && prng_.chance(1, 6)) return kernel::Value();
  if (prng_.chance(1, 60)) return kernel::Value::text("wrong type");
  switch (type) {
    case kernel::Type::bigint:
    case kernel::Type::integer:
      return kernel::Value::integer(static_cast<std::int64_t>(prng_.uniform(24)) - 4, type);
    case kernel::Type::smallint:
      return kernel::Value::integer(prng_.chance(1, 40) ? 40000 : static_cast<std::int64_t>(prng_.uniform(10)), type);
    case kernel::Type::text: {
      static const char* const words[] = {"", "a", "ab", "b", "ba", "c", "a\x01", "zz"};
      return kernel::Value::text(words[prng_.uniform(std::size(words))]);
    }
    case kernel::Type::double_precision:
      return kernel::Value::floating(static_cast<double>(prng_.uniform(9)) / 2 - 1.5);
    case kernel::Type::boolean:
      return kernel::Value::boolean(prng_.chance(1, 2));
    case kernel::Type::date:
      return kernel::Value::date(static_cast<std::int32_t>(prng_.uniform(6)) - 2);
    case kernel::Type::bytes: {
      Bytes bytes(prng_.uniform(3));
      for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(prng_.uniform(3));
      return kernel::Value::bytes(std::move(bytes));
    }
    default:
      return kernel::Value();
  }
}

kernel::Row RandomWorkload::random_row(const kernel::TableDef& table) {
  kernel::Row row;
  for (const kernel::ColumnDef& column : table.columns) {
    if (!kernel::column_live(column)) continue;
    row.push_back(random_value(column.type, !column.not_null || prng_.chance(1, 30)));
  }
  if (prng_.chance(1, 80)) row.pop_back();  // wrong arity
  return row;
}

std::vector<kernel::RowKey> RandomWorkload::live_keys(const kernel::StateView& state, const kernel::TableDef& table) {
  std::vector<kernel::RowKey> keys;
  state.scan_rows(table.id, [&](std::string_view key, const kernel::Row& row) {
    keys.push_back(table.has_implicit_key() ? kernel::row_id_key(decode_row_id(key))
                                            : kernel::primary_key_of(table, row));
    return keys.size() < 64;
  });
  return keys;
}

kernel::Command RandomWorkload::insert(const kernel::TableDef& table) {
  kernel::InsertRows command;
  command.table = prng_.chance(1, 40) ? "missing" : table.name;
  const std::uint64_t count = prng_.range(1, 4);
  for (std::uint64_t i = 0; i < count; i++) command.rows.push_back(random_row(table));
  return command;
}

kernel::Command RandomWorkload::update(const kernel::StateView& state, const kernel::TableDef& table) {
  const std::vector<kernel::RowKey> keys = live_keys(state, table);
  kernel::UpdateRows command;
  command.table = table.name;
  const std::uint64_t count = keys.empty() ? 1 : prng_.range(1, 3);
  for (std::uint64_t i = 0; i < count; i++) {
    kernel::RowKey key = keys.empty() || prng_.chance(1, 15) ? kernel::RowKey{kernel::Value::integer(99)}
                                                             : keys[prng_.uniform(keys.size())];
    kernel::Row row = random_row(table);
    // Usually keep the key; sometimes move the row to a random key.
    if (!table.has_implicit_key() && prng_.chance(4, 5) && key.size() == table.primary_key.size()) {
      std::size_t live_index = 0;
      for (std::uint32_t c = 0; c < table.columns.size() && live_index < row.size(); c++) {
        if (!kernel::column_live(table.columns[c])) continue;
        for (std::size_t k = 0; k < table.primary_key.size(); k++) {
          if (table.primary_key[k] == c) row[live_index] = key[k];
        }
        live_index++;
      }
    }
    command.keys.push_back(std::move(key));
    command.rows.push_back(std::move(row));
  }
  return command;
}

kernel::Command RandomWorkload::remove(const kernel::StateView& state, const kernel::TableDef& table) {
  const std::vector<kernel::RowKey> keys = live_keys(state, table);
  kernel::DeleteRows command;
  command.table = table.name;
  const std::uint64_t count = keys.empty() ? 1 : prng_.range(1, 3);
  for (std::uint64_t i = 0; i < count; i++) {
    command.keys.push_back(keys.empty() || prng_.chance(1, 15) ? kernel::RowKey{kernel::Value::integer(98)}
                                                               : keys[prng_.uniform(keys.size())]);
  }
  return command;
}

}  // namespace kmb::projection::testing
