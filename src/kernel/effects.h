// Effects: exactly how one accepted command record changes the state. The kernel computes them
// (kernel.h); the projection Store applies them, and nothing else changes the Store.
//
// Row changes are *net* per (table, key) over the whole record: a row inserted and then updated by
// the same record is one insert of its final value; inserted and deleted is no change at all. So
// every change of one record has the same position and a key gets at most one new version per
// record.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "kernel/schema.h"
#include "kernel/value.h"

namespace kmb::kernel {

enum class RowOperation : std::uint8_t {
  insert = 1,
  update = 2,
  remove = 3,  // DELETE
};

std::string_view row_operation_name(RowOperation operation);  // "INSERT", "UPDATE", "DELETE"

struct RowChange {
  std::uint32_t table_id = 0;
  std::string key;            // encode_key_string of the primary key (or row id)
  std::optional<Row> before;  // the live row before the record (padded); nullopt: it did not exist
  std::optional<Row> after;   // the stored row after the record; nullopt: deleted

  RowOperation operation() const;  // REQUIRES: before or after
};

struct StreamAppend {
  std::uint32_t stream_id = 0;
  std::uint64_t first_offset = 0;  // the stream offset of events[0]
  std::vector<Bytes> events;
};

struct Effects {
  Position position = 0;
  std::uint64_t timestamp_ns = 0;
  // The new catalog when the record changed definitions (DDL); replaces the old one. Row-id and
  // stream counters are not updated in it: see next_row_ids and stream_appends.
  std::optional<Catalog> catalog;
  // (table id, new TableDef::next_row_id), applied after `catalog`.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> next_row_ids;
  // Net changes, sorted by table id, then key.
  std::vector<RowChange> row_changes;
  // In order; each sets its stream's event_count to first_offset + events.size().
  std::vector<StreamAppend> stream_appends;

  bool changes_nothing() const {
    return !catalog.has_value() && next_row_ids.empty() && row_changes.empty() && stream_appends.empty();
  }
};

}  // namespace kmb::kernel
