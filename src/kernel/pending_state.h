// PendingState: the state as seen *during* the application of one command record — the base
// StateView plus the changes the record's earlier commands made. Commands read and write through it,
// so a later command sees the effects of an earlier one (CREATE TABLE then INSERT; INSERT then
// UPDATE); nothing reaches the base until the whole record is accepted and finish() hands the net
// Effects to the caller. Internal to the kernel.
//
// Thread-safety: one per apply() call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernel/effects.h"
#include "kernel/state_view.h"

namespace kmb::kernel {

class PendingState {
 public:
  PendingState(const StateView& base, Position position);

  Position position() const { return position_; }

  // The catalog with this record's DDL applied so far.
  const Catalog& catalog() const { return catalog_.has_value() ? *catalog_ : base_.catalog(); }
  // Copies the base catalog on first use.
  Catalog& mutable_catalog();
  // A live table by name, or nullptr.
  const TableDef* find_table(std::string_view name) const { return catalog().find_table(name); }
  const TableDef& table(std::uint32_t table_id) const;

  std::uint64_t take_row_id(const TableDef& table);
  std::uint64_t stream_event_count(const StreamDef& stream) const;
  void append_events(const StreamDef& stream, std::vector<Bytes> events);

  bool contains_row(const TableDef& table, std::string_view key) const;
  // The live row, padded to the table's current columns.
  std::optional<Row> find_row(const TableDef& table, std::string_view key) const;
  // The key of a live row with this unique-index key, or nullopt.
  std::optional<std::string> find_by_unique_index(const TableDef& table, const IndexDef& index,
                                                  std::string_view index_key) const;
  // Every live row (key, padded row), base rows first then this record's, until visit returns false.
  void scan_rows(const TableDef& table, const std::function<bool(std::string_view, const Row&)>& visit) const;

  // Replaces the live row `key` (whose current value is `current`, nullopt if none) with `after`
  // (nullopt deletes it). REQUIRES: `current` is what find_row returns.
  void put_row(const TableDef& table, const std::string& key, const std::optional<Row>& current,
               std::optional<Row> after);
  // Records the unique-index entry of a row for an index created by this record.
  void add_unique_entry(const IndexDef& index, std::string index_key, const std::string& key);

  Effects finish(std::uint64_t timestamp_ns) &&;

 private:
  struct PendingRow {
    std::optional<Row> before;  // as of the base
    std::optional<Row> after;   // current
  };
  using RowId = std::pair<std::uint32_t, std::string>;     // table id, key
  using UniqueId = std::pair<std::uint32_t, std::string>;  // index id, index key
  // Orders (id, bytes) pairs and allows lookups by (id, string_view) without a copy.
  struct IdKeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.first != b.first) return a.first < b.first;
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };

  bool index_is_new(const IndexDef& index) const { return index.id >= base_.catalog().next_index_id(); }

  const StateView& base_;
  Position position_;
  std::optional<Catalog> catalog_;
  std::map<std::uint32_t, std::uint64_t> next_row_ids_;
  std::map<std::uint32_t, std::uint64_t> stream_event_counts_;
  std::vector<StreamAppend> stream_appends_;
  std::map<RowId, PendingRow, IdKeyLess> rows_;
  // Unique-index entries of rows written by this record (and of all rows, for new indexes).
  std::map<UniqueId, std::string, IdKeyLess> unique_entries_;
};

}  // namespace kmb::kernel
