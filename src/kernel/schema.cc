#include "kernel/schema.h"

namespace kmb::kernel {

namespace {

char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool table_alive_at(const TableDef& table, Position p) {
  return table.created_at <= p && p < table.dropped_at;
}

}  // namespace

bool identifier_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); i++) {
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  }
  return true;
}

std::optional<std::uint32_t> TableDef::find_column(std::string_view name, Position p) const {
  // A name may appear more than once (dropped, then added again); at most one entry is alive at p.
  for (std::size_t i = 0; i < columns.size(); i++) {
    if (columns[i].alive_at(p) && identifier_equal(columns[i].name, name)) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

const TableDef* Catalog::find_table(std::string_view name, Position p) const {
  for (const TableDef& table : tables_) {
    if (table_alive_at(table, p) && identifier_equal(table.name, name)) return &table;
  }
  return nullptr;
}

const ViewDef* Catalog::find_view(std::string_view name, Position p) const {
  for (const ViewDef& view : views_) {
    if (view.alive_at(p) && identifier_equal(view.name, name)) return &view;
  }
  return nullptr;
}

ViewDef* Catalog::mutable_live_view(std::string_view name) {
  for (ViewDef& view : views_) {
    if (view.dropped_at == position_max && identifier_equal(view.name, name)) return &view;
  }
  return nullptr;
}

const TableDef* Catalog::table_by_id(std::uint32_t id) const {
  if (id == 0 || id > tables_.size()) return nullptr;
  return &tables_[id - 1];
}

TableDef* Catalog::mutable_table_by_id(std::uint32_t id) {
  if (id == 0 || id > tables_.size()) return nullptr;
  return &tables_[id - 1];
}

const StreamDef* Catalog::find_stream(std::string_view name) const {
  for (const StreamDef& stream : streams_) {
    if (identifier_equal(stream.name, name)) return &stream;
  }
  return nullptr;
}

StreamDef* Catalog::mutable_stream(std::string_view name) {
  for (StreamDef& stream : streams_) {
    if (identifier_equal(stream.name, name)) return &stream;
  }
  return nullptr;
}

}  // namespace kmb::kernel
