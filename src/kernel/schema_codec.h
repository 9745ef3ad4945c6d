// Binary encodings of the catalog's definitions, shared by Catalog::encode/decode (snapshots) and
// the command codec (CREATE TABLE and ADD COLUMN carry definitions). Layouts: docs/format/snapshot.md.
//
// The decoders check structure only (lengths, enum ranges, flag bits); the kernel validates meaning
// (names, types, positions) before anything enters a catalog.
//
// Thread-safety: pure functions.
#pragma once

#include "base/status.h"
#include "kernel/codec.h"
#include "kernel/schema.h"

namespace kmb::kernel {

void encode_column_def(const ColumnDef& column, Encoder& out);
Result<ColumnDef> decode_column_def(Decoder& in);

void encode_index_def(const IndexDef& index, Encoder& out);
Result<IndexDef> decode_index_def(Decoder& in);

void encode_table_def(const TableDef& table, Encoder& out);
Result<TableDef> decode_table_def(Decoder& in);

void encode_stream_def(const StreamDef& stream, Encoder& out);
Result<StreamDef> decode_stream_def(Decoder& in);
void encode_view_def(const ViewDef& view, Encoder& out);
Result<ViewDef> decode_view_def(Decoder& in);

// Smallest encodings, for Decoder::count.
inline constexpr std::size_t column_def_size_min_bytes = 4 + 1 + 1 + 1 + 1 + 8 + 8;
inline constexpr std::size_t index_def_size_min_bytes = 4 + 4 + 4 + 1 + 8 + 8;
inline constexpr std::size_t table_def_size_min_bytes = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 8;
inline constexpr std::size_t stream_def_size_min_bytes = 4 + 4 + 8 + 8;

}  // namespace kmb::kernel
