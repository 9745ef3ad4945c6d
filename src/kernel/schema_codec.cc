#include "kernel/schema_codec.h"

namespace kmb::kernel {

namespace {

constexpr std::uint8_t column_flag_not_null = 1;
constexpr std::uint8_t column_flag_unique = 2;
constexpr std::uint8_t column_flag_has_default = 4;
constexpr std::uint8_t column_flags_all = 7;

Result<Type> decode_type(Decoder& in) {
  KMB_ASSIGN_OR_RETURN(const std::uint8_t tag, in.u8());
  if (tag > static_cast<std::uint8_t>(Type::json)) return in.error("unknown column type " + std::to_string(tag));
  return static_cast<Type>(tag);
}

Result<std::vector<std::uint32_t>> decode_positions(Decoder& in) {
  KMB_ASSIGN_OR_RETURN(const std::uint32_t count, in.count(4));
  std::vector<std::uint32_t> positions;
  positions.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(const std::uint32_t position, in.u32());
    positions.push_back(position);
  }
  return positions;
}

void encode_positions(const std::vector<std::uint32_t>& positions, Encoder& out) {
  out.count(positions.size());
  for (const std::uint32_t position : positions) out.u32(position);
}

// The catalog must be safe to index with its own column positions and ids.
Status check_table_structure(const TableDef& table, std::uint32_t expected_id, Decoder& in) {
  if (table.id != expected_id) return in.error("table id " + std::to_string(table.id) + " out of sequence");
  for (const std::uint32_t column : table.primary_key) {
    if (column >= table.columns.size()) return in.error("primary-key column out of range");
  }
  for (const IndexDef& index : table.indexes) {
    if (index.columns.empty()) return in.error("index without columns");
    for (const std::uint32_t column : index.columns) {
      if (column >= table.columns.size()) return in.error("index column out of range");
    }
  }
  return Status();
}

}  // namespace

void encode_column_def(const ColumnDef& column, Encoder& out) {
  out.string(column.name);
  out.u8(static_cast<std::uint8_t>(column.type));
  std::uint8_t flags = 0;
  if (column.not_null) flags |= column_flag_not_null;
  if (column.unique) flags |= column_flag_unique;
  if (column.default_value.has_value()) flags |= column_flag_has_default;
  out.u8(flags);
  if (column.default_value.has_value()) out.value(*column.default_value);
  out.u8(column.decimal_precision);
  out.u8(column.decimal_scale);
  out.u64(column.added_at);
  out.u64(column.dropped_at);
}

Result<ColumnDef> decode_column_def(Decoder& in) {
  ColumnDef column;
  KMB_ASSIGN_OR_RETURN(column.name, in.string());
  KMB_ASSIGN_OR_RETURN(column.type, decode_type(in));
  KMB_ASSIGN_OR_RETURN(const std::uint8_t flags, in.u8());
  if ((flags & ~column_flags_all) != 0) return in.error("unknown column flags");
  column.not_null = (flags & column_flag_not_null) != 0;
  column.unique = (flags & column_flag_unique) != 0;
  if ((flags & column_flag_has_default) != 0) {
    KMB_ASSIGN_OR_RETURN(Value value, in.value());
    column.default_value = std::move(value);
  }
  KMB_ASSIGN_OR_RETURN(column.decimal_precision, in.u8());
  KMB_ASSIGN_OR_RETURN(column.decimal_scale, in.u8());
  KMB_ASSIGN_OR_RETURN(column.added_at, in.u64());
  KMB_ASSIGN_OR_RETURN(column.dropped_at, in.u64());
  return column;
}

void encode_index_def(const IndexDef& index, Encoder& out) {
  out.u32(index.id);
  out.string(index.name);
  encode_positions(index.columns, out);
  out.boolean(index.unique);
  out.u64(index.created_at);
  out.u64(index.dropped_at);
}

Result<IndexDef> decode_index_def(Decoder& in) {
  IndexDef index;
  KMB_ASSIGN_OR_RETURN(index.id, in.u32());
  KMB_ASSIGN_OR_RETURN(index.name, in.string());
  KMB_ASSIGN_OR_RETURN(index.columns, decode_positions(in));
  KMB_ASSIGN_OR_RETURN(index.unique, in.boolean());
  KMB_ASSIGN_OR_RETURN(index.created_at, in.u64());
  KMB_ASSIGN_OR_RETURN(index.dropped_at, in.u64());
  return index;
}

void encode_table_def(const TableDef& table, Encoder& out) {
  out.u32(table.id);
  out.string(table.name);
  out.count(table.columns.size());
  for (const ColumnDef& column : table.columns) encode_column_def(column, out);
  encode_positions(table.primary_key, out);
  out.count(table.indexes.size());
  for (const IndexDef& index : table.indexes) encode_index_def(index, out);
  out.u64(table.next_row_id);
  out.u64(table.created_at);
  out.u64(table.dropped_at);
}

Result<TableDef> decode_table_def(Decoder& in) {
  TableDef table;
  KMB_ASSIGN_OR_RETURN(table.id, in.u32());
  KMB_ASSIGN_OR_RETURN(table.name, in.string());
  KMB_ASSIGN_OR_RETURN(const std::uint32_t column_count, in.count(column_def_size_min_bytes));
  table.columns.reserve(column_count);
  for (std::uint32_t i = 0; i < column_count; i++) {
    KMB_ASSIGN_OR_RETURN(ColumnDef column, decode_column_def(in));
    table.columns.push_back(std::move(column));
  }
  KMB_ASSIGN_OR_RETURN(table.primary_key, decode_positions(in));
  KMB_ASSIGN_OR_RETURN(const std::uint32_t index_count, in.count(index_def_size_min_bytes));
  table.indexes.reserve(index_count);
  for (std::uint32_t i = 0; i < index_count; i++) {
    KMB_ASSIGN_OR_RETURN(IndexDef index, decode_index_def(in));
    table.indexes.push_back(std::move(index));
  }
  KMB_ASSIGN_OR_RETURN(table.next_row_id, in.u64());
  KMB_ASSIGN_OR_RETURN(table.created_at, in.u64());
  KMB_ASSIGN_OR_RETURN(table.dropped_at, in.u64());
  return table;
}

void encode_stream_def(const StreamDef& stream, Encoder& out) {
  out.u32(stream.id);
  out.string(stream.name);
  out.u64(stream.event_count);
  out.u64(stream.created_at);
}

Result<StreamDef> decode_stream_def(Decoder& in) {
  StreamDef stream;
  KMB_ASSIGN_OR_RETURN(stream.id, in.u32());
  KMB_ASSIGN_OR_RETURN(stream.name, in.string());
  KMB_ASSIGN_OR_RETURN(stream.event_count, in.u64());
  KMB_ASSIGN_OR_RETURN(stream.created_at, in.u64());
  return stream;
}

namespace {

// The smallest encoded view: four empty strings/lists and two positions.
constexpr std::size_t view_def_size_min_bytes = 4 * 4 + 2 * 8;

void encode_strings(const std::vector<std::string>& strings, Encoder& out) {
  out.count(strings.size());
  for (const std::string& text : strings) out.string(text);
}

Result<std::vector<std::string>> decode_strings(Decoder& in) {
  KMB_ASSIGN_OR_RETURN(const std::uint32_t count, in.count(4));
  std::vector<std::string> strings;
  strings.reserve(count);
  for (std::uint32_t i = 0; i < count; i++) {
    KMB_ASSIGN_OR_RETURN(std::string text, in.string());
    strings.push_back(std::move(text));
  }
  return strings;
}

}  // namespace

void encode_view_def(const ViewDef& view, Encoder& out) {
  out.string(view.name);
  out.string(view.query);
  encode_strings(view.columns, out);
  encode_strings(view.depends_on, out);
  out.u64(view.created_at);
  out.u64(view.dropped_at);
}

Result<ViewDef> decode_view_def(Decoder& in) {
  ViewDef view;
  KMB_ASSIGN_OR_RETURN(view.name, in.string());
  KMB_ASSIGN_OR_RETURN(view.query, in.string());
  KMB_ASSIGN_OR_RETURN(view.columns, decode_strings(in));
  KMB_ASSIGN_OR_RETURN(view.depends_on, decode_strings(in));
  KMB_ASSIGN_OR_RETURN(view.created_at, in.u64());
  KMB_ASSIGN_OR_RETURN(view.dropped_at, in.u64());
  return view;
}

void Catalog::encode(Bytes& out) const {
  Encoder encoder(out);
  encoder.count(tables_.size());
  for (const TableDef& table : tables_) encode_table_def(table, encoder);
  encoder.count(streams_.size());
  for (const StreamDef& stream : streams_) encode_stream_def(stream, encoder);
  encoder.count(views_.size());
  for (const ViewDef& view : views_) encode_view_def(view, encoder);
  encoder.u32(next_index_id_);
}

Result<Catalog> Catalog::decode(ByteSpan& input) {
  Decoder in(input, "catalog");
  Catalog catalog;
  KMB_ASSIGN_OR_RETURN(const std::uint32_t table_count, in.count(table_def_size_min_bytes));
  catalog.tables_.reserve(table_count);
  for (std::uint32_t i = 0; i < table_count; i++) {
    KMB_ASSIGN_OR_RETURN(TableDef table, decode_table_def(in));
    KMB_TRY(check_table_structure(table, i + 1, in));
    catalog.tables_.push_back(std::move(table));
  }
  KMB_ASSIGN_OR_RETURN(const std::uint32_t stream_count, in.count(stream_def_size_min_bytes));
  catalog.streams_.reserve(stream_count);
  for (std::uint32_t i = 0; i < stream_count; i++) {
    KMB_ASSIGN_OR_RETURN(StreamDef stream, decode_stream_def(in));
    if (stream.id != i + 1) return in.error("stream id " + std::to_string(stream.id) + " out of sequence");
    catalog.streams_.push_back(std::move(stream));
  }
  KMB_ASSIGN_OR_RETURN(const std::uint32_t view_count, in.count(view_def_size_min_bytes));
  catalog.views_.reserve(view_count);
  for (std::uint32_t i = 0; i < view_count; i++) {
    KMB_ASSIGN_OR_RETURN(ViewDef view, decode_view_def(in));
    if (view.created_at > view.dropped_at) return in.error("view " + view.name + " dropped before it was created");
    catalog.views_.push_back(std::move(view));
  }
  KMB_ASSIGN_OR_RETURN(catalog.next_index_id_, in.u32());
  for (const TableDef& table : catalog.tables_) {
    for (const IndexDef& index : table.indexes) {
      if (index.id == 0 || index.id >= catalog.next_index_id_) return in.error("index id out of range");
    }
  }
  input = input.subspan(in.offset());
  return catalog;
}

}  // namespace kmb::kernel
